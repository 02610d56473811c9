package one.flowmade.aether.bus;

import one.flowmade.aether.AetherNonTransientException;
import org.jspecify.annotations.Nullable;

/** The bus, or the connection it uses, is closed; it will not publish or subscribe again. */
public final class BusClosedException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused and why
   * @param cause the underlying failure, or null
   */
  public BusClosedException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
