package one.flowmade.aether.bus;

import one.flowmade.aether.AetherTransientException;

/**
 * The publishing thread was interrupted while it waited for room in a subscription's queue ({@link
 * OverflowPolicy#BLOCK}). The thread's interrupt status is set again. Subscriptions the event had
 * not reached yet did not receive it and count a {@link DropReason#INTERRUPTED} drop.
 */
public final class PublishInterruptedException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which event was being published
   * @param cause the interruption
   */
  public PublishInterruptedException(String message, InterruptedException cause) {
    super(message, cause);
  }
}
