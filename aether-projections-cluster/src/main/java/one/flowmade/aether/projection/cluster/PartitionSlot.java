package one.flowmade.aether.projection.cluster;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.projection.Projection;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of a {@link ClusteredProjection} on one node: started when the node acquires the
 * partition's shard (on a thread of its own, retried while the checkpoint or event store cannot be
 * reached), stopped when it releases it. Thread-safe.
 *
 * <p>Every acquisition and every release starts a new generation; an instance whose start was
 * still under way when the shard was released (and perhaps acquired again) is closed at once. An
 * instance may commit until the release has closed it: the shard is still this node's until
 * {@code released} returns (the next owner acquires only after that), so the unit of work in
 * progress at a graceful release commits; once closed, or once the release gave up waiting for a
 * handler that does not return, its owner check answers false.
 */
final class PartitionSlot {
  private static final Logger LOG = LoggerFactory.getLogger(ClusteredProjection.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);
  private static final Duration LAST_RETRY = Duration.ofSeconds(5);
  private static final long START_WAIT_MILLIS = 10_000;

  /**
   * Builds a new, unstarted instance of a partition for a shard; {@code mayCommit} turns false
   * once the slot has stopped it (or given up waiting for it to stop).
   */
  interface Factory {
    Projection create(int shard, BooleanSupplier mayCommit);
  }

  /** An instance and the flag its owner check reads. */
  private record Run(Projection projection, AtomicBoolean mayCommit) {}

  /**
   * What a slot holds at one moment.
   *
   * @param instance the instance of the current acquisition, or else the one stopped by the last
   *     release; null if none
   * @param held whether the node holds the shard (acquired, not released)
   * @param shard the shard of the last acquisition, -1 before any
   * @param epoch the epoch of the last acquisition, 0 before any
   */
  record Snapshot(@Nullable Projection instance, boolean held, int shard, long epoch) {}

  private final String name;
  private final int partition;
  private final Factory factory;
  private final Object lock = new Object();
  /** Increased (under the lock) by every acquisition and release. */
  private volatile long generation;
  private boolean held;
  private int shard = -1;
  private long epoch;
  private @Nullable Thread starter;
  /** The instance of the current acquisition: running, or failed to start. */
  private @Nullable Run current;
  /** The instance the last release stopped. */
  private @Nullable Run previous;

  PartitionSlot(String name, int partition, Factory factory) {
    this.name = name;
    this.partition = partition;
    this.factory = factory;
  }

  /** The node acquired the partition's shard in {@code epoch}: start it (returns at once). */
  void acquire(int shard, long epoch) {
    long acquiredAt = System.nanoTime();
    synchronized (lock) {
      long gen = ++generation;
      this.held = true;
      this.shard = shard;
      this.epoch = epoch;
      Thread t = new Thread(() -> startLoop(gen, shard, epoch, acquiredAt),
          "aether-projection-" + name + "-p" + partition + "-start");
      t.setDaemon(true);
      starter = t;
      t.start();
    }
  }

  private void startLoop(long gen, int shard, long epoch, long acquiredAt) {
    Duration wait = FIRST_RETRY;
    while (generation == gen) {
      AtomicBoolean mayCommit = new AtomicBoolean(true);
      Projection p = factory.create(shard, mayCommit::get);
      try {
        p.start(epoch);
      } catch (AetherTransientException e) {
        mayCommit.set(false);
        p.close();
        LOG.warn("projection {} partition {} (shard {}, epoch {}): could not start, retrying in"
            + " {} ms: {}", name, partition, shard, epoch, wait.toMillis(), e.getMessage());
        if (!waitWhile(gen, wait)) {
          return;
        }
        wait = wait.multipliedBy(2).compareTo(LAST_RETRY) > 0 ? LAST_RETRY : wait.multipliedBy(2);
        continue;
      } catch (RuntimeException e) {
        // fenced by a newer owner, or a checkpoint ahead of the stream: kept FAILED in status
        LOG.error("projection {} partition {} (shard {}, epoch {}) did not start: {}", name,
            partition, shard, epoch, e.getMessage());
      }
      boolean keep;
      synchronized (lock) {
        keep = generation == gen;
        if (keep) {
          current = new Run(p, mayCommit);
        }
      }
      if (!keep) {
        p.close();
        mayCommit.set(false);
        return;
      }
      LOG.info("projection {} partition {} on shard {} (epoch {}): {} at position {}, {} ms after"
          + " the shard was acquired", name, partition, shard, epoch, p.state(),
          p.status().position(), (System.nanoTime() - acquiredAt) / 1_000_000);
      return;
    }
  }

  /** Waits, returning false at once when the generation moved on. */
  private boolean waitWhile(long gen, Duration wait) {
    long until = System.nanoTime() + wait.toNanos();
    synchronized (lock) {
      try {
        long left;
        while (generation == gen && (left = until - System.nanoTime()) > 0) {
          lock.wait(Math.max(1, left / 1_000_000));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      return generation == gen;
    }
  }

  /**
   * The node released the shard (or the projection closes): stop the partition, letting the unit
   * of work in progress finish. Returns once it has stopped (or after the instance's own close
   * timeout, when a handler does not return; it is fenced in any case).
   */
  void release(ReleaseReason reason) {
    long started = System.nanoTime();
    Thread t;
    synchronized (lock) {
      if (!held) {
        return;
      }
      held = false;
      generation++;
      lock.notifyAll();
      t = starter;
      starter = null;
    }
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(START_WAIT_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (t.isAlive()) {
        LOG.warn("projection {} partition {}: its start is still under way after {} ms; it will"
            + " stop as soon as it returns", name, partition, START_WAIT_MILLIS);
      }
    }
    Run run;
    synchronized (lock) {
      run = current;
      current = null;
      if (run != null) {
        previous = run;
      }
    }
    if (run != null) {
      Projection p = run.projection();
      p.close();
      run.mayCommit().set(false);
      LOG.info("projection {} partition {} stopped ({}) at position {} in {} ms", name, partition,
          reason, p.status().position(), (System.nanoTime() - started) / 1_000_000);
    }
  }

  Snapshot snapshot() {
    synchronized (lock) {
      Run run = current != null ? current : previous;
      return new Snapshot(run == null ? null : run.projection(), held, shard, epoch);
    }
  }
}
