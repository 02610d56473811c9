package one.flowmade.aether.testkit.nats;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.Network;

/**
 * Launches servers as Docker containers through Testcontainers, used only when no local binary is
 * found and a Docker daemon answers. Cluster nodes share a Docker network and find each other by
 * their names; clients reach them on host ports chosen like those of local servers.
 */
final class ContainerLauncher implements Launcher {

  /** Ports inside the container; the host ports come from the {@link NodeSpec}. */
  static final int CLIENT_PORT = 4222;

  static final int MONITOR_PORT = 8222;
  static final int CLUSTER_PORT = 6222;

  private final String image;
  private final Duration startTimeout;
  private @Nullable Network network;
  private boolean closed;

  ContainerLauncher(String image, Duration startTimeout) {
    this.image = image;
    this.startTimeout = startTimeout;
  }

  @Override
  public Optional<NatsServerVersion> version() {
    return Optional.empty();
  }

  @Override
  public String source() {
    return "Docker image " + image;
  }

  @Override
  public synchronized ServerRuntime create(
      NodeSpec node,
      List<NodeSpec> peers,
      @Nullable String clusterName,
      String extraConfig,
      boolean syncAlways) {
    if (closed) {
      throw new IllegalStateException("launcher is closed");
    }
    ServerConfig.Cluster cluster = null;
    if (clusterName != null) {
      if (network == null) {
        network = Network.newNetwork();
        Reaper.track(network);
      }
      cluster =
          new ServerConfig.Cluster(
              clusterName,
              "0.0.0.0",
              CLUSTER_PORT,
              peers.stream().map(p -> "nats-route://" + p.name() + ":" + CLUSTER_PORT).toList(),
              true);
    }
    ServerConfig config =
        new ServerConfig(
            node.name(),
            "0.0.0.0",
            CLIENT_PORT,
            MONITOR_PORT,
            "/data",
            cluster,
            extraConfig,
            syncAlways);
    return new ContainerServerRuntime(node, image, network, config.render(), startTimeout);
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (network != null) {
      Reaper.untrack(network);
      network.close();
    }
  }
}
