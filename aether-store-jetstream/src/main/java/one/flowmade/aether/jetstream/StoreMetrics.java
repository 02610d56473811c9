package one.flowmade.aether.jetstream;

import io.nats.client.Message;
import org.jspecify.annotations.Nullable;

/**
 * What a store measures. {@link #NONE} (no registry given) does nothing and reads no clock, so
 * the hot path costs a virtual call; {@link MicrometerStoreMetrics} records into a Micrometer
 * registry. Kept free of Micrometer types so that the stores run without Micrometer on the class
 * path. Thread-safe.
 */
interface StoreMetrics {

  /** Records nothing. */
  StoreMetrics NONE = new StoreMetrics() {};

  /** The start of a timed operation: {@link System#nanoTime()}, or 0 when nothing is recorded. */
  default long start() {
    return 0;
  }

  /** An append of {@code events} events finished; {@code failure} is null on success. */
  default void appended(long start, int events, @Nullable Throwable failure) {}

  /** An append is retried after a transient failure, within the store's retry budget. */
  default void appendRetried() {}

  /** A read ({@code operation}: actor, all, latest, last-position) returned {@code events}. */
  default void read(String operation, long start, int events, @Nullable Throwable failure) {}

  /** A snapshot load finished: found, none, or failed ({@code failure} not null). */
  default void snapshotLoaded(long start, boolean found, @Nullable Throwable failure) {}

  /** A snapshot save finished: saved, not saved (a newer one exists), or failed. */
  default void snapshotSaved(long start, boolean saved, @Nullable Throwable failure) {}

  /**
   * Returns the meters of a new subscription, removed again by {@link SubscriptionMeters#close()}.
   *
   * @param name the durable name, or null for an ephemeral subscription
   */
  default SubscriptionMeters subscription(@Nullable String name) {
    return SubscriptionMeters.NONE;
  }

  /** The meters of one subscription. Called by the subscription's own thread. */
  interface SubscriptionMeters {

    /** Records nothing. */
    SubscriptionMeters NONE = new SubscriptionMeters() {};

    /**
     * The handler returned from the event at {@code position}, delivered in {@code message}
     * (whose metadata says how many events were pending after it and when it was stored).
     */
    default void handled(long position, Message message) {}

    /** Removes the subscription's meters. Idempotent. */
    default void close() {}
  }
}
