package one.flowmade.aether.testkit.nats;

import io.nats.client.Connection;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that runs a {@link NatsServer} or a {@link NatsCluster} for the tests of a
 * class.
 *
 * <pre>{@code
 * final class OrdersIT {
 *   @RegisterExtension static final NatsServerExtension nats = NatsServerExtension.singleNode();
 *
 *   @Test
 *   void appendsAnEvent() {
 *     try (Connection nc = nats.connect()) { ... }
 *   }
 * }
 * }</pre>
 *
 * <p>Registered on a {@code static} field, the server starts before the first test of the class
 * (and is shared with its {@code @Nested} classes) and is closed after the last. Registered on an
 * instance field, each test gets its own server. When a test fails, the last lines of every
 * server's log are logged at WARN, since the logs are deleted with the server.
 *
 * <p>Thread-safe. Outside JUnit, use {@link NatsServer} and {@link NatsCluster} directly with
 * try-with-resources.
 */
public final class NatsServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  private static final Logger LOG = LoggerFactory.getLogger(NatsServerExtension.class);
  private static final int LOG_LINES_ON_FAILURE = 30;

  private final @Nullable Supplier<NatsServer> serverFactory;
  private final @Nullable Supplier<NatsCluster> clusterFactory;
  private @Nullable NatsServer server;
  private @Nullable NatsCluster cluster;
  private @Nullable String owner;

  private NatsServerExtension(
      @Nullable Supplier<NatsServer> serverFactory,
      @Nullable Supplier<NatsCluster> clusterFactory) {
    this.serverFactory = serverFactory;
    this.clusterFactory = clusterFactory;
  }

  /**
   * Returns an extension that runs one server with the defaults of {@link NatsServer#builder()}.
   *
   * @return the extension
   */
  public static NatsServerExtension singleNode() {
    return singleNode(NatsServer.builder());
  }

  /**
   * Returns an extension that runs one server configured by a builder.
   *
   * @param builder the server's builder; the extension calls {@link NatsServer.Builder#start()}
   * @return the extension
   */
  public static NatsServerExtension singleNode(NatsServer.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    return new NatsServerExtension(builder::start, null);
  }

  /**
   * Returns an extension that runs a cluster of {@code size} nodes with the other defaults of
   * {@link NatsCluster#builder()}.
   *
   * @param size the number of nodes, 2 to 9
   * @return the extension
   * @throws IllegalArgumentException if the size is out of range
   */
  public static NatsServerExtension cluster(int size) {
    return cluster(NatsCluster.builder().size(size));
  }

  /**
   * Returns an extension that runs a cluster configured by a builder.
   *
   * @param builder the cluster's builder; the extension calls {@link NatsCluster.Builder#start()}
   * @return the extension
   */
  public static NatsServerExtension cluster(NatsCluster.Builder builder) {
    Objects.requireNonNull(builder, "builder");
    return new NatsServerExtension(null, builder::start);
  }

  /**
   * Returns the running single server.
   *
   * @return the server
   * @throws IllegalStateException if this extension runs a cluster or nothing runs now
   */
  public synchronized NatsServer server() {
    if (serverFactory == null) {
      throw new IllegalStateException("this extension runs a cluster; use cluster()");
    }
    return running(server);
  }

  /**
   * Returns the running cluster.
   *
   * @return the cluster
   * @throws IllegalStateException if this extension runs a single server or nothing runs now
   */
  public synchronized NatsCluster cluster() {
    if (clusterFactory == null) {
      throw new IllegalStateException("this extension runs a single server; use server()");
    }
    return running(cluster);
  }

  private static <T> T running(@Nullable T value) {
    if (value == null) {
      throw new IllegalStateException(
          "no server is running: it starts before the tests of the class that registers the"
              + " extension and stops after them");
    }
    return value;
  }

  /**
   * Returns the client URL of the server, or the comma-separated URLs of every cluster node.
   *
   * @return URLs as jnats {@code Options.Builder.server(String)} accepts them
   * @throws IllegalStateException if nothing runs now
   */
  public synchronized String url() {
    return serverFactory != null ? server().url() : cluster().urls();
  }

  /**
   * Connects a test client to the server or to the whole cluster. The caller closes it.
   *
   * @return a connected client
   * @throws java.io.UncheckedIOException if no server accepts the connection
   * @throws IllegalStateException if nothing runs now
   */
  public Connection connect() {
    return serverFactory != null ? server().connect() : cluster().connect();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startFor(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    startFor(context);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (context.getExecutionException().isPresent()) {
      logServerLogs(context);
    }
    stopFor(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    stopFor(context);
  }

  private synchronized void startFor(ExtensionContext context) {
    if (owner != null) {
      return;
    }
    if (serverFactory != null) {
      server = serverFactory.get();
    } else {
      cluster = Objects.requireNonNull(clusterFactory, "one of the factories is set").get();
    }
    owner = context.getUniqueId();
  }

  private synchronized void stopFor(ExtensionContext context) {
    if (!context.getUniqueId().equals(owner)) {
      return;
    }
    owner = null;
    try {
      if (server != null) {
        server.close();
      }
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      server = null;
      cluster = null;
    }
  }

  private synchronized void logServerLogs(ExtensionContext context) {
    String logs;
    if (server != null) {
      logs = LogText.excerpt(server.name(), server.log(), LOG_LINES_ON_FAILURE);
    } else if (cluster != null) {
      StringBuilder out = new StringBuilder();
      for (NatsNode node : cluster.nodes()) {
        out.append(LogText.excerpt(node.name(), node.log(), LOG_LINES_ON_FAILURE));
      }
      logs = out.toString();
    } else {
      return;
    }
    LOG.warn("{} failed; nats-server logs:{}", context.getDisplayName(), logs);
  }
}
