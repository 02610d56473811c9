package one.flowmade.aether.testkit.nats;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs one server in a Docker container. The container is created once; kill, stop, pause and
 * restart act on that same container, so its store (in the container's file system), its
 * configuration and its fixed host port bindings survive a restart. Removed on close.
 */
final class ContainerServerRuntime extends AbstractServerRuntime {

  private static final Logger LOG = LoggerFactory.getLogger(ContainerServerRuntime.class);
  private static final String CONFIG_PATH = "/etc/nats/aether-testkit.conf";
  private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);

  private final GenericContainer<?> container;
  private boolean created;

  ContainerServerRuntime(
      NodeSpec node, String image, @Nullable Network network, String config,
      Duration startTimeout) {
    super(node.name());
    GenericContainer<?> c =
        new GenericContainer<>(DockerImageName.parse(image))
            .withCopyToContainer(Transferable.of(config), CONFIG_PATH)
            .withCommand("--config", CONFIG_PATH)
            .waitingFor(
                Wait.forLogMessage(".*" + LogText.READY + ".*\\n", 1)
                    .withStartupTimeout(startTimeout));
    c.setPortBindings(
        List.of(
            node.clientPort() + ":" + ContainerLauncher.CLIENT_PORT,
            node.monitorPort() + ":" + ContainerLauncher.MONITOR_PORT));
    if (network != null) {
      c.withNetwork(network).withNetworkAliases(name);
    }
    this.container = c;
  }

  /**
   * Returns whether a Docker daemon answers. May take a while; callers bound it.
   *
   * @return true if Testcontainers can reach Docker
   */
  static boolean dockerAvailable() {
    return DockerClientFactory.instance().isDockerAvailable();
  }

  @Override
  public String host() {
    return container.getHost();
  }

  @Override
  public synchronized void launch() {
    ensureOpen();
    if (created) {
      client().startContainerCmd(container.getContainerId()).exec();
      return;
    }
    try {
      track();
      container.start();
      created = true;
      LOG.debug("started {} in container {}", name, container.getContainerId());
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t.getMessage() != null && PortInUseException.reportedIn(t.getMessage())) {
          throw new PortInUseException(name + ": " + t.getMessage(), e);
        }
      }
      throw new NatsServerException("could not start a container for " + name, e);
    }
  }

  private DockerClient client() {
    return container.getDockerClient();
  }

  private InspectContainerResponse.ContainerState state() {
    return client().inspectContainerCmd(container.getContainerId()).exec().getState();
  }

  @Override
  public synchronized boolean isAlive() {
    return created && !isClosed() && Boolean.TRUE.equals(state().getRunning());
  }

  @Override
  public OptionalLong pid() {
    return OptionalLong.empty();
  }

  @Override
  public synchronized void kill(Duration timeout) {
    if (!isAlive()) {
      return;
    }
    client().killContainerCmd(container.getContainerId()).withSignal("KILL").exec();
    Poll.until(name + " to exit", timeout, () -> !isAlive(), () -> "");
  }

  @Override
  public synchronized void terminate(Duration grace) {
    if (!isAlive()) {
      return;
    }
    client()
        .stopContainerCmd(container.getContainerId())
        .withTimeout((int) Math.max(1, grace.toSeconds()))
        .exec();
    Poll.until(name + " to exit", EXIT_TIMEOUT, () -> !isAlive(), () -> "");
  }

  @Override
  public synchronized void pause() {
    if (!isAlive()) {
      throw new IllegalStateException(name + " is not running");
    }
    client().pauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public synchronized void resume() {
    client().unpauseContainerCmd(container.getContainerId()).exec();
  }

  @Override
  public long logMark() {
    return log().length();
  }

  @Override
  public String logSince(long mark) {
    String log = log();
    return mark >= log.length() ? "" : log.substring((int) mark);
  }

  @Override
  public synchronized String log() {
    return created && !isClosed() ? container.getLogs() : "";
  }

  @Override
  public synchronized String exitDescription() {
    if (!created || isClosed()) {
      return "";
    }
    InspectContainerResponse.ContainerState state = state();
    return Boolean.TRUE.equals(state.getRunning())
        ? ""
        : "exited with code " + state.getExitCodeLong();
  }

  @Override
  void release() {
    container.stop();
  }

  @Override
  public String toString() {
    return "nats-server " + name + " (container " + container.getContainerId() + ")";
  }
}
