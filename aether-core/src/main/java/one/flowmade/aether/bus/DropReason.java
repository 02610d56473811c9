package one.flowmade.aether.bus;

/** Why a bus did not deliver events to a subscription. */
public enum DropReason {

  /** The queue was full and the oldest queued event made room ({@link OverflowPolicy#DROP_OLDEST}). */
  OVERFLOW_OLDEST,

  /** The queue was full and the arriving event was dropped ({@link OverflowPolicy#DROP_NEWEST}). */
  OVERFLOW_NEWEST,

  /**
   * The queue was full and the publish failed with {@link BusOverflowException} ({@link
   * OverflowPolicy#FAIL}).
   */
  REJECTED,

  /**
   * The publisher was interrupted while it waited for room ({@link OverflowPolicy#BLOCK}); the
   * publish failed with {@link PublishInterruptedException}.
   */
  INTERRUPTED,

  /**
   * The NATS client dropped messages because the subscription's pending limit was reached (a NATS
   * slow consumer). The events themselves are unknown; only their number is.
   */
  SLOW_CONSUMER,

  /** A message on an Aether bus or event subject could not be decoded into an event. */
  UNDECODABLE,

  /** Events still queued when the subscription or the bus was closed were discarded. */
  CLOSED
}
