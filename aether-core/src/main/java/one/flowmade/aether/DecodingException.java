package one.flowmade.aether;

import org.jspecify.annotations.Nullable;

/**
 * Stored data could not be decoded: an unknown event type, malformed data, or a message that is
 * not an Aether event.
 */
public class DecodingException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be decoded and why
   * @param cause the underlying failure, or null
   */
  public DecodingException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
