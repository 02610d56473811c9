package one.flowmade.aether.testkit.nats;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Creates the runtimes of the servers of one {@link NatsServer} or {@link NatsCluster}, from a
 * local binary or a Docker image.
 */
interface Launcher extends AutoCloseable {

  /**
   * Returns the server version if it is known before a server starts.
   *
   * @return the version of a local binary; empty for a Docker image (read from its log)
   */
  Optional<NatsServerVersion> version();

  /**
   * Describes where servers come from, for messages.
   *
   * @return a binary's path or an image name
   */
  String source();

  /**
   * Creates the runtime of one server.
   *
   * @param node the server's spec
   * @param peers the other nodes of its cluster, empty for a single server
   * @param clusterName the cluster name, or null for a single server
   * @param extraConfig configuration text to append, or empty
   * @param syncAlways whether JetStream flushes every write to disk before acknowledging it
   * @return a runtime that has launched nothing yet
   */
  ServerRuntime create(
      NodeSpec node,
      List<NodeSpec> peers,
      @Nullable String clusterName,
      String extraConfig,
      boolean syncAlways);

  /**
   * Creates the runtime of one server with the server's default JetStream flush.
   *
   * @param node the server's spec
   * @param peers the other nodes of its cluster, empty for a single server
   * @param clusterName the cluster name, or null for a single server
   * @param extraConfig configuration text to append, or empty
   * @return a runtime that has launched nothing yet
   */
  default ServerRuntime create(
      NodeSpec node, List<NodeSpec> peers, @Nullable String clusterName, String extraConfig) {
    return create(node, peers, clusterName, extraConfig, false);
  }

  /** Releases what the launcher shares between servers. Idempotent. */
  @Override
  void close();
}
