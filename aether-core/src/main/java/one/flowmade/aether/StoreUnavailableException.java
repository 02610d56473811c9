package one.flowmade.aether;

import org.jspecify.annotations.Nullable;

/**
 * The store could not be reached or did not answer in time; nothing was changed by the call that
 * threw it (for appends whose outcome is in doubt, see {@link AppendOutcomeUnknownException}).
 */
public final class StoreUnavailableException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param cause the underlying failure, or null
   */
  public StoreUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
