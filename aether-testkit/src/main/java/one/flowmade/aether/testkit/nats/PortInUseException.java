package one.flowmade.aether.testkit.nats;

/** A server could not bind a port chosen for it because another process took it first. */
final class PortInUseException extends NatsServerException {

  private static final long serialVersionUID = 1L;

  PortInUseException(String message) {
    super(message);
  }

  PortInUseException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Returns whether a server's log or an error message says a port was taken.
   *
   * @param text a log or message
   * @return true if it reports an address already in use
   */
  static boolean reportedIn(String text) {
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    return lower.contains("address already in use") || lower.contains("port is already allocated");
  }
}
