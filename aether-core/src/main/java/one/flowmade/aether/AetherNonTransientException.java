package one.flowmade.aether;

import org.jspecify.annotations.Nullable;

/** A failure that retrying the same call will not cure. */
public class AetherNonTransientException extends AetherException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param cause the underlying failure, or null
   */
  public AetherNonTransientException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isTransient() {
    return false;
  }
}
