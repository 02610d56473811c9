package one.flowmade.aether.testkit.nats;

import org.jspecify.annotations.Nullable;

/**
 * A {@code nats-server} for a test could not be found, started or controlled. The message says
 * what was tried and, when a server process failed, ends with the last lines of its log.
 *
 * <p>It extends {@link IllegalStateException} because it means the test environment is not in a
 * state to run the test; retrying the same call without changing the environment rarely helps.
 */
public class NatsServerException extends IllegalStateException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and what to do about it
   */
  public NatsServerException(String message) {
    super(message);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed and what to do about it
   * @param cause the underlying failure, or null
   */
  public NatsServerException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
