package one.flowmade.aether.bus;

import one.flowmade.aether.AetherTransientException;

/**
 * A publish found the queue of at least one subscription with {@link OverflowPolicy#FAIL} full.
 * Those subscriptions did not receive the event (each counts a {@link DropReason#REJECTED} drop);
 * every other matching subscription did, so publishing the event again delivers it to them a
 * second time.
 */
public final class BusOverflowException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /** How many subscriptions rejected the event. */
  private final int rejections;

  /**
   * Creates the exception.
   *
   * @param message which event was rejected and by how many subscriptions
   * @param rejections how many subscriptions rejected the event
   */
  public BusOverflowException(String message, int rejections) {
    super(message, null);
    this.rejections = rejections;
  }

  /**
   * Returns how many subscriptions did not receive the event.
   *
   * @return the number of full subscriptions
   */
  public int rejections() {
    return rejections;
  }
}
