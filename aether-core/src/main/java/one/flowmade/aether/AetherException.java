package one.flowmade.aether;

import org.jspecify.annotations.Nullable;

/**
 * The root of every exception Aether throws for a failure that is not a programming error.
 *
 * <p>It has two branches so callers know what to retry: {@link AetherTransientException} (the
 * same call may succeed later) and {@link AetherNonTransientException} (it will not, until
 * something changes).
 */
public abstract class AetherException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  protected AetherException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  /**
   * Returns whether retrying the same call may succeed.
   *
   * @return true for transient failures
   */
  public abstract boolean isTransient();
}
