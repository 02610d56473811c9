package one.flowmade.aether.bus;

import one.flowmade.aether.AetherTransientException;
import org.jspecify.annotations.Nullable;

/**
 * The bus cannot carry out the call now, for example because NATS is disconnected and the
 * client's reconnect buffer is full. The same call may succeed later.
 */
public final class BusUnavailableException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed and why
   * @param cause the underlying failure, or null
   */
  public BusUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
