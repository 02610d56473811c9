package one.flowmade.aether.testkit.nats;

import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

  private final ServerGroup group;
  private final ServerNode node;

  private NatsServer(ServerGroup group) {
    this.group = group;
    this.node = group.nodes().get(0);
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
    Duration startTimeout = b.settings.startTimeout();
    return ServerGroup.start(
        LOG,
        b.name,
        b.settings,
        "aether-nats-",
        PORT_ATTEMPTS,
        (launcher, directory) -> {
          int[] ports = FreePorts.allocate(2);
          NodeSpec spec = new NodeSpec(b.name, directory.resolve(b.name), ports[0], ports[1], 0);
          ServerRuntime runtime =
              launcher.create(
                  spec, List.of(), null, b.settings.config(), b.settings.isSyncAlways());
          return List.of(new ServerNode(spec, launcher, runtime, startTimeout));
        },
        group -> {
          ServerNode node = group.nodes().get(0);
          Poll.until(
              node.name() + "'s JetStream to be ready",
              startTimeout,
              () -> node.unhealthyReason().isEmpty(),
              () -> ": " + node.unhealthyReason().orElse("healthy now") + logExcerpt(node));
          LOG.info(
              "nats-server {} {} ready at {} (pid {}, directory {})",
              node.name(),
              node.version(),
              node.url(),
              node.pid().isPresent() ? node.pid().getAsLong() : "n/a",
              group.directory());
          return new NatsServer(group);
        });
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
    return group.directory();
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
    group.close();
  }

  @Override
  public String toString() {
    return "NatsServer[" + name() + " " + url() + "]";
  }

  /**
   * Configures a {@link NatsServer}. Each property may be set once; a second call throws {@link
   * IllegalStateException}. Not thread-safe; a builder may start any number of servers.
   */
  public static final class Builder extends LaunchBuilder<Builder> {

    private String name = "n1";
    private boolean nameSet;

    private Builder() {
      super(Duration.ofSeconds(30));
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets the server name ({@code server_name}). Default {@code n1}.
     *
     * @param name letters, digits, {@code -} and {@code _}
     * @return this builder
     * @throws IllegalArgumentException if the name is empty or has other characters
     * @throws IllegalStateException if already set
     */
    public Builder name(String name) {
      LaunchSettings.checkName(name, "name", "server name");
      if (nameSet) {
        throw new IllegalStateException("name was already set to " + this.name);
      }
      this.name = name;
      nameSet = true;
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
