package one.flowmade.aether.projection;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import one.flowmade.aether.EventStore;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Projection.Builder} configured, checked: the name and its checkpoint key, where
 * events come from, what applies them, where progress is kept and what happens on errors.
 *
 * @param name the projection's name
 * @param key the checkpoint key: the name, plus {@code -p<i>of<n>} for one partition of several
 * @param store the event store whose namespace is projected
 * @param handlers the handlers, with the codec and the partition filter
 * @param checkpoints where the checkpoint is kept
 * @param policy the error policy
 * @param batchSize the most events per unit of work
 * @param ownership asked right before every checkpoint commit whether this instance still owns
 *     the checkpoint
 * @param meterRegistry where the projection's meters go; null for none
 * @param threadFactory makes the projection's thread (and a rebuild's watcher); null for Aether's
 */
record ProjectionSettings(String name, String key, EventStore store, Handlers handlers,
    CheckpointStore checkpoints, ErrorPolicy policy, int batchSize, BooleanSupplier ownership,
    @Nullable MeterRegistry meterRegistry, @Nullable ThreadFactory threadFactory) {

  /** Returns a thread of the factory, or a daemon thread named {@code name} without one. */
  Thread newThread(Runnable task, String name) {
    ThreadFactory f = threadFactory;
    if (f == null) {
      Thread t = new Thread(task, name);
      t.setDaemon(true);
      return t;
    }
    Thread t = f.newThread(task);
    if (t == null) {
      throw new IllegalStateException("the thread factory of projection " + key + " made no"
          + " thread (returned null)");
    }
    return t;
  }

  /** Returns the checkpoint key of one partition of a projection. */
  static String key(String name, int partition, int partitions) {
    return partitions == 1 ? name : name + "-p" + partition + "of" + partitions;
  }
}
