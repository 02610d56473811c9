package one.flowmade.aether.bus;

/**
 * Observes what a bus could not do: events it did not deliver and handlers that failed. Every
 * method has a no-op default, so implement only what you need.
 *
 * <p>Methods are called on whichever thread noticed the problem (a publisher, a subscription's
 * delivery thread, or the thread closing the bus), possibly concurrently, so implementations must
 * be thread-safe and quick. An exception thrown by a listener is logged and ignored.
 */
public interface BusListener {

  /** A listener that does nothing. */
  BusListener NONE = new BusListener() {};

  /**
   * Called when events were not delivered to a subscription. The same events are counted in
   * {@link BusMetrics#dropped()}.
   *
   * @param drop what was dropped, where and why
   */
  default void dropped(Drop drop) {}

  /**
   * Called when a handler threw. The subscription goes on with the next event.
   *
   * @param subscription the subscription whose handler failed
   * @param event the event it was handling
   * @param failure what it threw
   */
  default void handlerFailed(BusSubscription subscription, BusEvent event, Throwable failure) {}
}
