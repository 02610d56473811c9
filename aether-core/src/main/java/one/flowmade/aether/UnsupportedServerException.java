package one.flowmade.aether;

/**
 * The NATS server is older than Aether requires, or lacks a feature Aether needs. The message
 * names the version found, the version required and what would break.
 */
public final class UnsupportedServerException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the versions found and required, and what would break
   */
  public UnsupportedServerException(String message) {
    super(message, null);
  }
}
