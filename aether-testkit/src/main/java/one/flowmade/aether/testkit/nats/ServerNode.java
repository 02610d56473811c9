package one.flowmade.aether.testkit.nats;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server process of a {@link NatsServer} or {@link NatsCluster}: launches it, waits until it
 * is ready, and injects faults. Thread-safe; lifecycle operations hold the node's lock.
 */
final class ServerNode implements NatsNode {

  private static final Logger LOG = LoggerFactory.getLogger(ServerNode.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final int LOG_LINES_IN_ERRORS = 40;
  private static final Pattern LOGGED_VERSION = Pattern.compile("Version:\\s+v?(\\d+\\.\\d+\\.\\d+)");

  private final NodeSpec spec;
  private final ServerRuntime runtime;
  private final Duration startTimeout;
  private final String source;
  private volatile @Nullable NatsServerVersion version;
  private volatile boolean paused;
  private volatile boolean closed;

  ServerNode(NodeSpec spec, Launcher launcher, ServerRuntime runtime, Duration startTimeout) {
    this.spec = spec;
    this.runtime = runtime;
    this.startTimeout = startTimeout;
    this.source = launcher.source();
    this.version = launcher.version().orElse(null);
  }

  /**
   * Launches the process without waiting for it.
   *
   * @return the log mark to pass to {@link #awaitReady(long)}
   */
  synchronized long launch() {
    ensureOpen();
    long mark = runtime.logMark();
    runtime.launch();
    paused = false;
    return mark;
  }

  /**
   * Waits until the process launched after the mark logs that it is ready.
   *
   * @param mark the value {@link #launch()} returned
   * @throws PortInUseException if the process exited because a port was taken
   * @throws UnsupportedNatsServerException if a container's server turns out too old
   * @throws NatsServerException if it exits or times out first; the process is then killed
   */
  void awaitReady(long mark) {
    try {
      Poll.until(
          name() + " to log \"" + LogText.READY + "\"",
          startTimeout,
          () -> {
            String log = runtime.logSince(mark);
            if (log.contains(LogText.READY)) {
              return true;
            }
            if (!runtime.isAlive()) {
              throw exitedBeforeReady(runtime.logSince(mark));
            }
            return false;
          },
          () -> " (" + source + ")" + LogText.excerpt(name(), log(), LOG_LINES_IN_ERRORS));
    } catch (NatsServerException e) {
      runtime.kill(STOP_GRACE);
      throw e;
    }
    if (version == null) {
      checkLoggedVersion(runtime.logSince(mark));
    }
    LOG.debug("{} is ready at {}", name(), url());
  }

  private NatsServerException exitedBeforeReady(String log) {
    String message =
        "nats-server "
            + name()
            + " "
            + runtime.exitDescription()
            + " before it was ready ("
            + source
            + ", directory "
            + spec.directory()
            + ")"
            + LogText.excerpt(name(), log, LOG_LINES_IN_ERRORS);
    return PortInUseException.reportedIn(log)
        ? new PortInUseException(message)
        : new NatsServerException(message);
  }

  private void checkLoggedVersion(String log) {
    Matcher m = LOGGED_VERSION.matcher(log);
    NatsServerVersion found =
        m.find()
            ? NatsServerVersion.parse(m.group(1))
            : NatsServerVersion.find(log)
                .orElseThrow(
                    () -> new NatsServerException(name() + " (" + source + ") logged no version"));
    if (!found.isAtLeast(NatsServerVersion.REQUIRED)) {
      runtime.kill(STOP_GRACE);
      throw new UnsupportedNatsServerException(source, found, NatsServerVersion.REQUIRED);
    }
    version = found;
  }

  /**
   * Returns why the server is not healthy, asking its {@code /healthz}.
   *
   * @return empty when healthy
   */
  Optional<String> unhealthyReason() {
    return Monitor.unhealthyReason(monitorUrl());
  }

  /** Returns whether the process runs and is not paused, so it can answer. */
  boolean isAnswering() {
    return !paused && runtime.isAlive();
  }

  NodeSpec spec() {
    return spec;
  }

  @Override
  public String name() {
    return spec.name();
  }

  @Override
  public String url() {
    return "nats://" + runtime.host() + ":" + spec.clientPort();
  }

  @Override
  public int port() {
    return spec.clientPort();
  }

  @Override
  public String monitorUrl() {
    return "http://" + runtime.host() + ":" + spec.monitorPort();
  }

  @Override
  public NatsServerVersion version() {
    NatsServerVersion v = version;
    if (v == null) {
      throw new IllegalStateException(name() + " has not started yet");
    }
    return v;
  }

  @Override
  public OptionalLong pid() {
    return runtime.pid();
  }

  @Override
  public boolean isRunning() {
    return !closed && runtime.isAlive();
  }

  @Override
  public boolean isPaused() {
    return paused;
  }

  @Override
  public Options.Builder connectionOptions() {
    return testOptions("aether-testkit-" + name()).server(url()).ignoreDiscoveredServers();
  }

  @Override
  public Connection connect() {
    return connect(connectionOptions().build());
  }

  @Override
  public synchronized void kill() {
    ensureOpen();
    LOG.info("killing {} (SIGKILL, pid {})", name(), pidText());
    runtime.kill(startTimeout);
    paused = false;
  }

  @Override
  public synchronized void stop() {
    ensureOpen();
    if (!runtime.isAlive()) {
      return;
    }
    LOG.info("stopping {} (SIGTERM, pid {})", name(), pidText());
    if (paused) {
      // A stopped process keeps SIGTERM pending until it runs again.
      runtime.resume();
      paused = false;
    }
    runtime.terminate(STOP_GRACE);
  }

  @Override
  public synchronized void pause() {
    ensureOpen();
    if (!runtime.isAlive()) {
      throw new IllegalStateException(name() + " is not running");
    }
    if (paused) {
      return;
    }
    LOG.info("pausing {} (SIGSTOP, pid {})", name(), pidText());
    runtime.pause();
    paused = true;
  }

  @Override
  public synchronized void resume() {
    ensureOpen();
    if (!paused) {
      return;
    }
    LOG.info("resuming {} (SIGCONT, pid {})", name(), pidText());
    runtime.resume();
    paused = false;
  }

  @Override
  public void restart() {
    synchronized (this) {
      stop();
      LOG.info("restarting {} on port {}", name(), port());
      long mark = launch();
      awaitReady(mark);
    }
  }

  @Override
  public String log() {
    return runtime.log();
  }

  /** Kills the process and releases the runtime. Idempotent. */
  synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    paused = false;
    runtime.close();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(name() + " is closed");
    }
  }

  private String pidText() {
    OptionalLong pid = runtime.pid();
    return pid.isPresent() ? Long.toString(pid.getAsLong()) : "n/a";
  }

  @Override
  public String toString() {
    return "NatsNode[" + name() + " " + url() + "]";
  }

  /**
   * Returns client options suited to tests: reconnect forever every 250 ms, 5 s connection
   * timeout, errors logged through SLF4J.
   *
   * @param connectionName the connection name the server shows
   * @return a new builder without servers
   */
  static Options.Builder testOptions(String connectionName) {
    return Options.builder()
        .connectionName(connectionName)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        .connectionTimeout(Duration.ofSeconds(5))
        .errorListener(Slf4jErrorListener.INSTANCE);
  }

  /**
   * Connects, turning checked failures into unchecked ones.
   *
   * @param options the client options
   * @return the connection
   */
  static Connection connect(Options options) {
    try {
      return Nats.connect(options);
    } catch (IOException e) {
      throw new UncheckedIOException("could not connect to " + options.getServers(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NatsServerException("interrupted while connecting to " + options.getServers(), e);
    }
  }

  /**
   * Closes a connection, keeping the interrupt flag if interrupted.
   *
   * @param connection the connection, or null
   */
  static void closeQuietly(@Nullable Connection connection) {
    if (connection == null) {
      return;
    }
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Logs client errors through SLF4J instead of java.util.logging. */
  private enum Slf4jErrorListener implements ErrorListener {
    INSTANCE;

    private static final Logger CLIENT_LOG = LoggerFactory.getLogger(ServerNode.class);

    @Override
    public void errorOccurred(Connection conn, String error) {
      CLIENT_LOG.warn("{}: server error: {}", connectionName(conn), error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
      // Expected while a test kills or pauses servers; the client reconnects by itself.
      CLIENT_LOG.debug("{}: {}", connectionName(conn), exp.toString());
    }

    private static String connectionName(Connection conn) {
      return conn == null ? "client" : conn.getOptions().getConnectionName();
    }
  }
}
