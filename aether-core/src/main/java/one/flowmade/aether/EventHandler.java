package one.flowmade.aether;

/**
 * Receives the events of a subscription, one at a time and in position order, on the
 * subscription's own thread.
 *
 * <p>If {@link #onEvent} throws, the subscription stops with that failure ({@link
 * EventSubscription#failure()}): nothing is skipped, and a durable subscription resumes with the same
 * event when it is opened again. Messages that cannot be decoded are passed to {@link
 * #onUndecodable} (and logged by the store) and the subscription goes on.
 */
@FunctionalInterface
public interface EventHandler {

  /**
   * Handles one event.
   *
   * @param event the event
   * @throws Exception to stop the subscription
   */
  void onEvent(Event event) throws Exception;

  /**
   * Called for a stored message that cannot be decoded; the subscription continues after it. The
   * default does nothing beyond the warning the store logs.
   *
   * @param undecodable what was found and why it could not be decoded
   */
  default void onUndecodable(UndecodableEvent undecodable) {}

  /**
   * Called once, when the subscription has caught up with every event that existed when it
   * started and goes live.
   */
  default void onLive() {}
}
