package one.flowmade.aether.testkit.nats;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;

/**
 * The server processes of one {@link NatsServer} or {@link NatsCluster}, the {@link Launcher} they
 * come from and the temporary directory that holds their files. {@link #start} launches the nodes
 * on free ports, and again on new ports when one was taken; {@link #close()} kills every node,
 * closes the launcher and deletes the directory.
 *
 * <p>Thread-safe: the nodes never change, and {@link #close()} is synchronized and idempotent.
 */
final class ServerGroup implements AutoCloseable {

  private final Logger log;
  private final String description;
  private final List<ServerNode> nodes;
  private final Path directory;
  private final Launcher launcher;
  private boolean closed;

  /** Creates the nodes of one start attempt, on ports allocated for that attempt. */
  @FunctionalInterface
  interface NodeFactory {

    /**
     * Creates nodes that have launched nothing yet.
     *
     * @param launcher creates each node's runtime
     * @param directory the group's directory; each node's directory goes below it
     * @return the nodes, at least one
     */
    List<ServerNode> create(Launcher launcher, Path directory);
  }

  private ServerGroup(
      Logger log, String description, List<ServerNode> nodes, Path directory, Launcher launcher) {
    this.log = log;
    this.description = description;
    this.nodes = List.copyOf(nodes);
    this.directory = directory;
    this.launcher = launcher;
  }

  /**
   * Starts a group: finds the server the settings select, creates a temporary directory, creates
   * the nodes, launches them all and waits until each logs that it is ready, then passes the group
   * to {@code whenReady}, which waits for what else its owner needs and returns the owner. When a
   * port turns out to be taken, closes the nodes and starts new ones on new ports. On any other
   * failure, closes the nodes and the launcher and deletes the directory.
   *
   * @param log reports progress and retries
   * @param description what is started, for messages: a server name, or {@code "the cluster"}
   * @param settings the binary or image and the start timeout
   * @param directoryPrefix the start of the temporary directory's name
   * @param portAttempts how many times to try with new ports
   * @param factory creates the nodes of each attempt
   * @param whenReady turns the ready group into its owner; may throw to fail the start
   * @param <T> the owner's type
   * @return what {@code whenReady} returned
   * @throws UnsupportedNatsServerException if the server found is too old
   * @throws NatsServerException if no server is found, the nodes do not start in time, or a port
   *     was taken in every attempt
   */
  static <T> T start(
      Logger log,
      String description,
      LaunchSettings settings,
      String directoryPrefix,
      int portAttempts,
      NodeFactory factory,
      Function<ServerGroup, T> whenReady) {
    Launcher launcher = settings.locate();
    Path directory = Reaper.createDirectory(directoryPrefix);
    NatsServerException last = null;
    try {
      for (int attempt = 1; attempt <= portAttempts; attempt++) {
        List<ServerNode> nodes = factory.create(launcher, directory);
        try {
          launchAll(nodes);
          return whenReady.apply(new ServerGroup(log, description, nodes, directory, launcher));
        } catch (PortInUseException e) {
          nodes.forEach(ServerNode::close);
          last = e;
          log.info("a port chosen for {} was taken; trying new ports ({})", description, attempt);
        } catch (RuntimeException e) {
          nodes.forEach(ServerNode::close);
          throw e;
        }
      }
      throw new NatsServerException(
          "could not start " + description + " on free ports in " + portAttempts + " attempts",
          last);
    } catch (RuntimeException e) {
      launcher.close();
      Reaper.deleteAfterFailure(directory, e);
      throw e;
    }
  }

  private static void launchAll(List<ServerNode> nodes) {
    // Every node is launched before any is awaited, so that they start in parallel.
    List<Long> marks = new ArrayList<>(nodes.size());
    for (ServerNode node : nodes) {
      marks.add(node.launch());
    }
    for (int i = 0; i < nodes.size(); i++) {
      nodes.get(i).awaitReady(marks.get(i));
    }
  }

  /**
   * Returns the nodes, in the order the factory created them.
   *
   * @return an unmodifiable list
   */
  List<ServerNode> nodes() {
    return nodes;
  }

  /**
   * Returns the temporary directory that holds every node's directory.
   *
   * @return the group's directory
   */
  Path directory() {
    return directory;
  }

  /**
   * Kills every node (SIGKILL: the stores are deleted anyway), closes the launcher and deletes the
   * directory. Idempotent; blocks until every process has exited. A node that cannot be closed
   * does not keep the others or the directory from being closed and deleted.
   *
   * @throws UncheckedIOException if the directory cannot be deleted
   * @throws NatsServerException if a process does not exit in time
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    for (ServerNode node : nodes) {
      try {
        node.close();
      } catch (RuntimeException e) {
        failure = withSuppressed(failure, e);
      }
    }
    launcher.close();
    try {
      Reaper.delete(directory);
    } catch (RuntimeException e) {
      failure = withSuppressed(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
    log.debug("closed {} and deleted {}", description, directory);
  }

  private static RuntimeException withSuppressed(@Nullable RuntimeException first,
      RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }
}
