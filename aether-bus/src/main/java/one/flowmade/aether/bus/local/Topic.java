package one.flowmade.aether.bus.local;

import java.util.concurrent.atomic.LongAdder;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.bus.BusMetrics;

/**
 * A namespace on the local bus: the subscriptions to exactly this namespace (copy-on-write, read
 * without locks by publishers) and the namespace's counters. Thread-safe.
 */
final class Topic {

  private static final LocalSubscription[] NONE = new LocalSubscription[0];

  final Namespace namespace;
  /** Replaced, never mutated, under the bus's registration lock. */
  volatile LocalSubscription[] subscriptions = NONE;

  final LongAdder published = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder dropped = new LongAdder();
  final LongAdder handlerErrors = new LongAdder();
  /** Events put into subscriptions' queues. */
  final LongAdder enqueued = new LongAdder();
  /** Events taken out of subscriptions' queues: delivered, evicted or discarded. */
  final LongAdder dequeued = new LongAdder();

  Topic(Namespace namespace) {
    this.namespace = namespace;
  }

  BusMetrics metrics(int wildcardSubscriptions) {
    long depth = Math.max(0, enqueued.sum() - dequeued.sum());
    return new BusMetrics(published.sum(), delivered.sum(), dropped.sum(), handlerErrors.sum(),
        subscriptions.length + wildcardSubscriptions, depth);
  }

  static LocalSubscription[] with(LocalSubscription[] array, LocalSubscription added) {
    LocalSubscription[] copy = java.util.Arrays.copyOf(array, array.length + 1);
    copy[array.length] = added;
    return copy;
  }

  static LocalSubscription[] without(LocalSubscription[] array, LocalSubscription removed) {
    for (int i = 0; i < array.length; i++) {
      if (array[i] == removed) {
        LocalSubscription[] copy = new LocalSubscription[array.length - 1];
        System.arraycopy(array, 0, copy, 0, i);
        System.arraycopy(array, i + 1, copy, i, array.length - i - 1);
        return copy;
      }
    }
    return array;
  }

  static LocalSubscription[] none() {
    return NONE;
  }
}
