package one.flowmade.aether;

import org.jspecify.annotations.Nullable;

/**
 * A failure that may go away: the same call may succeed if retried, for example after a NATS
 * stream-leader election. Retrying an append with the same events is always safe.
 */
public class AetherTransientException extends AetherException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  public AetherTransientException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isTransient() {
    return true;
  }
}
