package one.flowmade.aether.testkit.nats;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Launches servers from a local {@code nats-server} binary whose version has been checked.
 *
 * @param executable the binary
 * @param serverVersion the version it reported
 */
record LocalLauncher(Path executable, NatsServerVersion serverVersion) implements Launcher {

  private static final String HOST = "127.0.0.1";

  @Override
  public Optional<NatsServerVersion> version() {
    return Optional.of(serverVersion);
  }

  @Override
  public String source() {
    return executable.toString();
  }

  @Override
  public ServerRuntime create(
      NodeSpec node,
      List<NodeSpec> peers,
      @Nullable String clusterName,
      String extraConfig,
      boolean syncAlways) {
    ServerConfig.Cluster cluster =
        clusterName == null
            ? null
            : new ServerConfig.Cluster(
                clusterName,
                HOST,
                node.clusterPort(),
                peers.stream().map(p -> "nats-route://" + HOST + ":" + p.clusterPort()).toList(),
                false);
    ServerConfig config =
        new ServerConfig(
            node.name(),
            HOST,
            node.clientPort(),
            node.monitorPort(),
            node.directory().resolve("store").toString(),
            cluster,
            extraConfig,
            syncAlways);
    return new LocalServerRuntime(node.name(), executable, node.directory(), config.render());
  }

  @Override
  public void close() {
    // Nothing is shared between local servers.
  }
}
