package one.flowmade.aether.bus;

import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;

/**
 * Publishes events to namespaces and delivers them to the subscriptions whose namespace pattern
 * and filter match.
 *
 * <p>Guarantees every implementation gives (checked by the contract suite in {@code
 * aether-testkit}):
 *
 * <ul>
 *   <li><b>Live, at most once.</b> A subscription receives events published while it is open; it
 *       never receives an event twice from one publish, and never an event published before it
 *       was opened. The bus stores nothing; use an {@link one.flowmade.aether.EventStore}
 *       subscription for at-least-once processing of stored events.
 *   <li><b>Order.</b> A handler is called one event at a time, and sees the events of each
 *       publisher (a thread on the local bus, a connection on the NATS bus) in the order they were
 *       published. Events of different publishers interleave in some order.
 *   <li><b>Isolation.</b> A subscription to a namespace receives only that namespace's events;
 *       only {@link NamespacePattern#all()} crosses namespaces.
 *   <li><b>No silent loss.</b> Every event accepted for a subscription is either delivered or
 *       counted as dropped ({@link BusMetrics#dropped()}) and reported to the bus's {@link
 *       BusListener}; a publish that cannot be carried out throws.
 *   <li><b>Failure isolation.</b> A handler that throws is counted, logged and reported; its
 *       subscription and all others go on.
 * </ul>
 *
 * <p>Implementations are thread-safe. {@link #close()} is idempotent.
 */
public interface EventBus extends AutoCloseable {

  /**
   * Publishes an event to its namespace's matching subscriptions.
   *
   * <p>Whether it blocks depends on the implementation and the subscriptions' {@link
   * OverflowPolicy}: the local bus waits for room in subscriptions with {@link
   * OverflowPolicy#BLOCK}; the NATS bus hands the event to the connection and does not wait for
   * subscribers.
   *
   * @param event the event
   * @throws BusClosedException if the bus is closed
   * @throws BusOverflowException if a subscription with {@link OverflowPolicy#FAIL} was full; the
   *     other subscriptions received the event
   * @throws PublishInterruptedException if the thread was interrupted while waiting for room
   * @throws BusUnavailableException if the bus cannot carry the event now (for example, NATS is
   *     disconnected and the reconnect buffer is full); retrying later may succeed
   * @throws IllegalArgumentException if the implementation cannot carry this event (for example,
   *     it exceeds the NATS server's maximum payload)
   */
  void publish(BusEvent event);

  /**
   * Publishes a stored event, with its version and position, to a namespace.
   *
   * @param namespace the namespace the event is stored in
   * @param event the stored event
   * @throws BusClosedException if the bus is closed
   * @throws BusOverflowException if a subscription with {@link OverflowPolicy#FAIL} was full
   * @throws PublishInterruptedException if the thread was interrupted while waiting for room
   * @throws BusUnavailableException if the bus cannot carry the event now; retrying later may
   *     succeed
   * @throws IllegalArgumentException if the implementation cannot carry this event (for example,
   *     it exceeds the NATS server's maximum payload)
   * @see #publish(BusEvent)
   */
  default void publish(Namespace namespace, Event event) {
    publish(BusEvent.of(namespace, event));
  }

  /**
   * Subscribes a handler to the events of the matching namespaces that pass a filter. The
   * subscription receives events published after this method returns.
   *
   * @param namespaces one namespace or all of them
   * @param filter which events to receive
   * @param handler receives them, one at a time
   * @return the open subscription; close it to stop
   * @throws BusClosedException if the bus is closed
   * @throws BusUnavailableException if the subscription cannot be registered now
   */
  BusSubscription subscribe(NamespacePattern namespaces, EventFilter filter, BusHandler handler);

  /**
   * Subscribes a handler to every event of one namespace.
   *
   * @param namespace the namespace
   * @param handler receives its events, one at a time
   * @return the open subscription
   * @throws BusClosedException if the bus is closed
   * @throws BusUnavailableException if the subscription cannot be registered now
   */
  default BusSubscription subscribe(Namespace namespace, BusHandler handler) {
    return subscribe(NamespacePattern.exactly(namespace), EventFilter.all(), handler);
  }

  /**
   * Returns the metrics of one namespace.
   *
   * @param namespace the namespace
   * @return a snapshot of its counters
   */
  BusMetrics metrics(Namespace namespace);

  /**
   * Returns the metrics of all namespaces together.
   *
   * @return a snapshot of the totals
   */
  BusMetrics metrics();

  /**
   * Returns whether {@link #close()} has been called.
   *
   * @return true once closed
   */
  boolean isClosed();

  /**
   * Closes every subscription and refuses further publishes. Idempotent; what happens to events
   * still queued is documented by each implementation, and every discarded event is counted and
   * reported.
   */
  @Override
  void close();
}
