package one.flowmade.aether.testkit.nats;

import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single {@code nats-server} with JetStream, started for a test on free loopback ports with its
 * configuration, log and store in a new temporary directory.
 *
 * <pre>{@code
 * try (NatsServer nats = NatsServer.start();
 *     Connection nc = nats.connect()) {
 *   nc.jetStreamManagement().addStream(StreamConfiguration.builder().name("S").build());
 * }
 * }</pre>
 *
 * <p>{@link #start()} and {@link Builder#start()} return once the server accepts clients and its
 * {@code /healthz} reports JetStream ready. {@link #close()} kills the process and deletes the
 * directory; a JVM shutdown hook does the same for servers a crashed test never closed.
 *
 * <p>Thread-safe. Lifecycle methods block until done (bounded by the start timeout) and throw
 * {@link IllegalStateException} after {@link #close()}; accessors keep working after close.
 */
public final class NatsServer implements NatsNode, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(NatsServer.class);
  private static final int PORT_ATTEMPTS = 5;

  private final ServerNode node;
  private final Path directory;
  private final Launcher launcher;
  private boolean closed;

  private NatsServer(ServerNode node, Path directory, Launcher launcher) {
    this.node = node;
    this.directory = directory;
    this.launcher = launcher;
  }

  /**
   * Returns a builder for a server that is not started yet.
   *
   * @return a new builder with defaults (name {@code n1}, 30 s start timeout, no extra config)
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a server with the defaults of {@link #builder()}.
   *
   * @return the running server
   * @throws UnsupportedNatsServerException if the binary found is older than 2.12
   * @throws NatsServerException if no binary is found or the server does not start; the message
   *     says how to get a binary or ends with the server's log
   */
  public static NatsServer start() {
    return builder().start();
  }

  private static NatsServer start(Builder b) {
    Launcher launcher = ServerLocator.locate(b.executable, b.dockerImage, b.startTimeout);
    Path directory = Reaper.createDirectory("aether-nats-");
    NatsServerException last = null;
    try {
      for (int attempt = 1; attempt <= PORT_ATTEMPTS; attempt++) {
        int[] ports = FreePorts.allocate(2);
        NodeSpec spec = new NodeSpec(b.name, directory.resolve(b.name), ports[0], ports[1], 0);
        ServerRuntime runtime = launcher.create(spec, List.of(), null, b.config);
        ServerNode node = new ServerNode(spec, launcher, runtime, b.startTimeout);
        try {
          node.awaitReady(node.launch());
          Poll.until(
              node.name() + "'s JetStream to be ready",
              b.startTimeout,
              () -> node.unhealthyReason().isEmpty(),
              () -> ": " + node.unhealthyReason().orElse("healthy now") + logExcerpt(node));
          LOG.info(
              "nats-server {} {} ready at {} (pid {}, directory {})",
              node.name(),
              node.version(),
              node.url(),
              node.pid().isPresent() ? node.pid().getAsLong() : "n/a",
              directory);
          return new NatsServer(node, directory, launcher);
        } catch (PortInUseException e) {
          node.close();
          last = e;
          LOG.info("a port chosen for {} was taken; trying new ports ({})", b.name, attempt);
        } catch (RuntimeException e) {
          node.close();
          throw e;
        }
      }
      throw new NatsServerException(
          "could not start " + b.name + " on free ports in " + PORT_ATTEMPTS + " attempts", last);
    } catch (RuntimeException e) {
      launcher.close();
      Reaper.deleteAfterFailure(directory, e);
      throw e;
    }
  }

  private static String logExcerpt(ServerNode node) {
    return LogText.excerpt(node.name(), node.log(), 40);
  }

  /**
   * Returns the temporary directory that holds the server's configuration ({@code
   * <name>/nats-server.conf}), log ({@code <name>/nats-server.log}) and JetStream store ({@code
   * <name>/store}). {@link #close()} deletes it.
   *
   * @return the server's directory
   */
  public Path directory() {
    return directory;
  }

  @Override
  public String name() {
    return node.name();
  }

  @Override
  public String url() {
    return node.url();
  }

  @Override
  public int port() {
    return node.port();
  }

  @Override
  public String monitorUrl() {
    return node.monitorUrl();
  }

  @Override
  public NatsServerVersion version() {
    return node.version();
  }

  @Override
  public OptionalLong pid() {
    return node.pid();
  }

  @Override
  public boolean isRunning() {
    return node.isRunning();
  }

  @Override
  public boolean isPaused() {
    return node.isPaused();
  }

  @Override
  public Options.Builder connectionOptions() {
    return node.connectionOptions();
  }

  @Override
  public Connection connect() {
    return node.connect();
  }

  @Override
  public void kill() {
    node.kill();
  }

  @Override
  public void stop() {
    node.stop();
  }

  @Override
  public void pause() {
    node.pause();
  }

  @Override
  public void resume() {
    node.resume();
  }

  @Override
  public void restart() {
    node.restart();
  }

  @Override
  public String log() {
    return node.log();
  }

  /**
   * Kills the server (SIGKILL: the store is deleted anyway, so nothing needs flushing) and deletes
   * its directory. Idempotent; blocks until the process has exited.
   *
   * @throws UncheckedIOException if the directory cannot be deleted
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      node.close();
    } finally {
      launcher.close();
      Reaper.delete(directory);
      LOG.debug("closed {} and deleted {}", node.name(), directory);
    }
  }

  @Override
  public String toString() {
    return "NatsServer[" + name() + " " + url() + "]";
  }

  /**
   * Configures a {@link NatsServer}. Each property may be set once; a second call throws {@link
   * IllegalStateException}. Not thread-safe; a builder may start any number of servers.
   */
  public static final class Builder {

    private String name = "n1";
    private boolean nameSet;
    private Path executable;
    private String config = "";
    private boolean configSet;
    private Duration startTimeout = Duration.ofSeconds(30);
    private boolean startTimeoutSet;
    private String dockerImage = ServerLocator.DEFAULT_IMAGE;
    private boolean dockerImageSet;

    private Builder() {}

    /**
     * Sets the server name ({@code server_name}). Default {@code n1}.
     *
     * @param name letters, digits, {@code -} and {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the name is empty or has other characters
     * @throws IllegalStateException if already set
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[A-Za-z0-9_-]+")) {
        throw new IllegalArgumentException(
            "server name must be letters, digits, '-' or '_', was \"" + name + "\"");
      }
      if (nameSet) {
        throw new IllegalStateException("name was already set to " + this.name);
      }
      this.name = name;
      nameSet = true;
      return this;
    }

    /**
     * Uses this binary instead of searching for one. Its version is still checked.
     *
     * @param executable a nats-server binary
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder executable(Path executable) {
      Objects.requireNonNull(executable, "executable");
      if (this.executable != null) {
        throw new IllegalStateException("executable was already set to " + this.executable);
      }
      this.executable = executable;
      return this;
    }

    /**
     * Appends configuration text at the top level of the generated configuration file, for
     * example {@code accounts { ... }} or {@code authorization { ... }}. It must not set what the
     * test kit sets: {@code server_name}, {@code listen}, {@code http}, {@code jetstream}, {@code
     * cluster}.
     *
     * @param config nats-server configuration text
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder config(String config) {
      Objects.requireNonNull(config, "config");
      if (configSet) {
        throw new IllegalStateException("config was already set");
      }
      this.config = config;
      configSet = true;
      return this;
    }

    /**
     * Sets how long starting and restarting may take. Default 30 s.
     *
     * @param startTimeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder startTimeout(Duration startTimeout) {
      Objects.requireNonNull(startTimeout, "startTimeout");
      if (startTimeout.isNegative() || startTimeout.isZero()) {
        throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
      }
      if (startTimeoutSet) {
        throw new IllegalStateException("startTimeout was already set to " + this.startTimeout);
      }
      this.startTimeout = startTimeout;
      startTimeoutSet = true;
      return this;
    }

    /**
     * Sets the Docker image used when no local binary is found and Docker answers. Default
     * {@code nats:2.12-alpine}; its version is checked too.
     *
     * @param dockerImage an image name with tag
     * @return this builder
     * @throws IllegalArgumentException if blank
     * @throws IllegalStateException if already set
     */
    public Builder dockerImage(String dockerImage) {
      Objects.requireNonNull(dockerImage, "dockerImage");
      if (dockerImage.isBlank()) {
        throw new IllegalArgumentException("dockerImage must not be blank");
      }
      if (dockerImageSet) {
        throw new IllegalStateException("dockerImage was already set to " + this.dockerImage);
      }
      this.dockerImage = dockerImage;
      dockerImageSet = true;
      return this;
    }

    /**
     * Starts a server and waits until it is ready.
     *
     * @return the running server; the caller closes it
     * @throws UnsupportedNatsServerException if the server is older than 2.12
     * @throws NatsServerException if no server is found or it does not start in time
     */
    public NatsServer start() {
      return NatsServer.start(this);
    }
  }
}
