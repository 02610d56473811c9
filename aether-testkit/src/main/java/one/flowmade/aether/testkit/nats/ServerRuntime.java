package one.flowmade.aether.testkit.nats;

import java.time.Duration;
import java.util.OptionalLong;

/**
 * How one server process is run: a local process or a Docker container. Implementations only
 * launch and signal; waiting for readiness is {@link ServerNode}'s job. Callers serialise calls.
 */
interface ServerRuntime extends AutoCloseable {

  /**
   * Returns the host on which the server's ports are reachable.
   *
   * @return a host name or address
   */
  String host();

  /**
   * Launches the server without waiting for it to be ready. Must not be called while it runs.
   *
   * @throws NatsServerException if it cannot be launched ({@link PortInUseException} if a port
   *     is taken)
   */
  void launch();

  /**
   * Returns whether the process exists (paused or not).
   *
   * @return true while it exists
   */
  boolean isAlive();

  /**
   * Returns the OS process id.
   *
   * @return the pid, or empty if not running or not known
   */
  OptionalLong pid();

  /**
   * Sends SIGKILL and waits until the process has gone.
   *
   * @param timeout how long to wait
   * @throws NatsServerException if it is still there after the timeout
   */
  void kill(Duration timeout);

  /**
   * Sends SIGTERM and waits until the process has gone; sends SIGKILL if it takes longer than the
   * grace period.
   *
   * @param grace how long the process may take to shut down
   */
  void terminate(Duration grace);

  /** Sends SIGSTOP and returns once the process is stopped. */
  void pause();

  /** Sends SIGCONT and returns once the process runs again. */
  void resume();

  /**
   * Returns a position in the log; {@link #logSince(long)} returns what was logged after it.
   *
   * @return the current end of the log
   */
  long logMark();

  /**
   * Returns what was logged after a mark.
   *
   * @param mark a value of {@link #logMark()}
   * @return the log text after the mark
   */
  String logSince(long mark);

  /**
   * Returns everything logged so far.
   *
   * @return the whole log
   */
  default String log() {
    return logSince(0);
  }

  /**
   * Returns a description of how the last process ended, for error messages.
   *
   * @return for example "exited with code 1", or empty if unknown
   */
  String exitDescription();

  /** Kills the process if it runs and releases what the runtime holds. Idempotent. */
  @Override
  void close();
}
