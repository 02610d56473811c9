package one.flowmade.aether.bus;

/**
 * What a bus does when a subscription's bounded queue is full and another event arrives for it.
 * Every event that a policy keeps from a subscription is counted ({@link BusMetrics#dropped()})
 * and reported to {@link BusListener#dropped}.
 */
public enum OverflowPolicy {

  /**
   * The publisher waits until the subscription has room (the default of the local bus). A slow
   * subscriber slows every publisher to its namespaces; nothing is dropped.
   */
  BLOCK,

  /** The oldest queued event is dropped to make room ({@link DropReason#OVERFLOW_OLDEST}). */
  DROP_OLDEST,

  /**
   * The arriving event is dropped for this subscription ({@link DropReason#OVERFLOW_NEWEST}). The
   * NATS bus always behaves this way once the client's pending limit is reached ({@link
   * DropReason#SLOW_CONSUMER}).
   */
  DROP_NEWEST,

  /**
   * The publish throws {@link BusOverflowException} after offering the event to every other
   * matching subscription; the full subscriptions do not receive it ({@link
   * DropReason#REJECTED}).
   */
  FAIL
}
