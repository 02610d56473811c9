package one.flowmade.aether;

import org.jspecify.annotations.Nullable;

/**
 * The store could not find out whether an append was stored (for example the server stayed
 * unreachable). The events are either stored exactly once or not at all; retrying the same append
 * with the same event ids is safe and tells which.
 */
public final class AppendOutcomeUnknownException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param cause the underlying failure, or null
   */
  public AppendOutcomeUnknownException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
