package one.flowmade.aether.testkit.nats;

import io.nats.client.Connection;
import io.nats.client.Options;
import java.util.OptionalLong;

/**
 * One {@code nats-server} process started by the test kit: a {@link NatsServer} or a node of a
 * {@link NatsCluster}. It can be killed, paused, resumed and restarted so tests can inject faults;
 * a restarted node keeps its name, ports, configuration and JetStream store.
 *
 * <p>Implementations are thread-safe. Lifecycle operations ({@link #kill()}, {@link #stop()},
 * {@link #pause()}, {@link #resume()}, {@link #restart()}) are serialised per node and block until
 * the process has reached the new state, bounded by the start timeout of the server or cluster.
 * After the owning server or cluster is closed they throw {@link IllegalStateException}.
 */
public sealed interface NatsNode permits NatsServer, ServerNode {

  /**
   * Returns the server's name ({@code server_name}); cluster nodes are {@code n1}, {@code n2}, …
   *
   * @return the server name
   */
  String name();

  /**
   * Returns the client URL, for example {@code nats://127.0.0.1:40123}. It does not change when
   * the node is restarted.
   *
   * @return the client URL
   */
  String url();

  /**
   * Returns the client port on the host. It does not change when the node is restarted.
   *
   * @return the client port
   */
  int port();

  /**
   * Returns the URL of the HTTP monitoring endpoint ({@code /varz}, {@code /jsz}, {@code
   * /healthz}), for example {@code http://127.0.0.1:40124}.
   *
   * @return the monitoring URL
   */
  String monitorUrl();

  /**
   * Returns the version the server reported.
   *
   * @return the server version, at least {@link NatsServerVersion#REQUIRED}
   */
  NatsServerVersion version();

  /**
   * Returns the operating-system process id of the running server. It changes on {@link
   * #restart()}.
   *
   * @return the pid, or empty when the node is not running or runs in a Docker container
   */
  OptionalLong pid();

  /**
   * Returns whether the server process is alive. A paused process is alive.
   *
   * @return true while the process exists
   */
  boolean isRunning();

  /**
   * Returns whether the server process is paused by {@link #pause()}.
   *
   * @return true between {@link #pause()} and {@link #resume()}, {@link #kill()}, {@link #stop()}
   *     or {@link #restart()}
   */
  boolean isPaused();

  /**
   * Returns options for a test client of this node alone: this node's URL only, servers the
   * cluster advertises ignored, reconnecting forever every 250 ms, a 5 s connection timeout and a
   * connection name that names the node. Add credentials or listeners before building.
   *
   * @return a new options builder
   */
  Options.Builder connectionOptions();

  /**
   * Connects a client to this node with {@link #connectionOptions()}. The caller closes the
   * connection.
   *
   * @return a connected client
   * @throws java.io.UncheckedIOException if the node does not accept the connection
   * @throws NatsServerException if the thread is interrupted while connecting
   */
  Connection connect();

  /**
   * Kills the process with SIGKILL, as a crash or power loss would, and waits until it has exited.
   * Unflushed JetStream writes of this node are lost. Does nothing if the process is not running.
   *
   * @throws NatsServerException if the process does not exit in time
   */
  void kill();

  /**
   * Stops the process gracefully (SIGTERM, after resuming it if paused) and waits until it has
   * exited; if it does not exit within 10 s it is killed. Does nothing if it is not running.
   */
  void stop();

  /**
   * Pauses the process with SIGSTOP: its sockets stay open but it answers nothing, as a hung
   * server or a long garbage-collection pause would look to peers and clients.
   *
   * @throws IllegalStateException if the process is not running
   * @throws UnsupportedOperationException on systems without POSIX signals
   * @throws NatsServerException if the signal cannot be sent
   */
  void pause();

  /**
   * Resumes a paused process with SIGCONT. Does nothing if it is not paused.
   *
   * @throws NatsServerException if the signal cannot be sent
   */
  void resume();

  /**
   * Starts the server again with the same name, ports, configuration and JetStream store, after
   * stopping it first if it is running. Returns once the new process accepts clients; it may
   * still be catching up with its cluster (see {@link NatsCluster#waitForJetStreamReady()}).
   *
   * @throws NatsServerException if the server does not become ready within the start timeout; the
   *     message ends with the last lines of its log
   */
  void restart();

  /**
   * Returns the output (stdout and stderr) the server has written so far, across restarts.
   *
   * @return the server's log, possibly empty
   */
  String log();

  /**
   * Returns the last lines of {@link #log()}.
   *
   * @param lines how many lines at most
   * @return the last lines, joined by newlines
   */
  default String logTail(int lines) {
    return LogText.tail(log(), lines);
  }
}
