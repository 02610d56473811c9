package one.flowmade.aether.bus;

/**
 * Counters of a bus, for one namespace or for all of them. Counts are totals since the bus was
 * built; the two gauges ({@link #activeSubscriptions()}, {@link #queueDepth()}) are current
 * values. While events flow, a snapshot is not atomic across fields and the counts may trail the
 * deliveries by a few events (implementations batch their updates); at rest it is exact.
 *
 * <p>Immutable and thread-safe.
 *
 * @param published events accepted by {@link EventBus#publish} of this bus instance
 * @param delivered handler calls made (including calls that threw)
 * @param dropped events accepted for a subscription and not delivered to it, for any {@link
 *     DropReason}
 * @param handlerErrors handler calls that threw
 * @param activeSubscriptions open subscriptions that receive the namespace's events (for the
 *     totals: all open subscriptions)
 * @param queueDepth events accepted for subscriptions and not yet handled
 */
public record BusMetrics(
    long published,
    long delivered,
    long dropped,
    long handlerErrors,
    int activeSubscriptions,
    long queueDepth) {

  /** Metrics with every counter at zero. */
  public static final BusMetrics EMPTY = new BusMetrics(0, 0, 0, 0, 0, 0);
}
