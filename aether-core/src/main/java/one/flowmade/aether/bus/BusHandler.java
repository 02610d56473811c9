package one.flowmade.aether.bus;

/**
 * Receives the events of one bus subscription.
 *
 * <p>A bus calls the handler of a subscription on that subscription's delivery thread, one event
 * at a time, in the order the events were published (per publisher). If the handler throws, the
 * failure is counted ({@link BusMetrics#handlerErrors()}), logged, reported to {@link
 * BusListener#handlerFailed}, and delivery goes on with the next event; it never stops this or
 * any other subscription. A handler that blocks holds up its own subscription only.
 */
@FunctionalInterface
public interface BusHandler {

  /**
   * Handles one event.
   *
   * @param event the event
   * @throws Exception to report a failure; the subscription continues
   */
  void onEvent(BusEvent event) throws Exception;
}
