package one.flowmade.aether.bus;

/**
 * A live subscription to a bus, returned by {@link EventBus#subscribe}.
 *
 * <p>Thread-safe. {@link #close()} is idempotent; events still queued for the subscription when
 * it is closed are discarded, counted as dropped ({@link DropReason#CLOSED}) and reported. It
 * waits, bounded by the bus's close timeout, for a handler call in progress to return, and no
 * handler call starts after it returns (called from the subscription's own handler, it returns at
 * once and delivery stops after the handler returns).
 */
public interface BusSubscription extends AutoCloseable {

  /**
   * Returns the namespaces this subscription receives.
   *
   * @return the namespace pattern
   */
  NamespacePattern namespaces();

  /**
   * Returns the filter this subscription applies.
   *
   * @return the filter
   */
  EventFilter filter();

  /**
   * Returns whether the subscription still delivers.
   *
   * @return false once it or its bus is closed
   */
  boolean isActive();

  /**
   * Returns how many events the handler has been called with.
   *
   * @return the number of deliveries, including those where the handler threw
   */
  long delivered();

  /**
   * Returns how many events were dropped for this subscription, for any {@link DropReason}.
   *
   * @return the number of dropped events
   */
  long dropped();

  /**
   * Returns how many handler calls threw.
   *
   * @return the number of handler failures
   */
  long handlerErrors();

  /**
   * Returns how many events wait for delivery.
   *
   * @return the current queue depth
   */
  long queueDepth();

  /** Stops delivery and releases the subscription's resources. Idempotent. */
  @Override
  void close();
}
