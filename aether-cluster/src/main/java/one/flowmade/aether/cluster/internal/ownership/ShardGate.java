package one.flowmade.aether.cluster.internal.ownership;

import io.nats.client.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import one.flowmade.aether.cluster.OwnedShard;
import one.flowmade.aether.cluster.internal.lease.Lease;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door of one active shard on this node: requests enter only while it is open and the
 * membership lease it was opened under is valid, and closing it waits, for a bounded time, until
 * the requests inside have finished, so that a released shard normally has no work left running.
 * A handler still running when the bound is reached is reported by thread and stack and left
 * running; the shard is released anyway, so that one stuck handler cannot freeze the node.
 * It is also the {@link OwnedShard} its requests' handlers see: the epoch it was opened in, and
 * {@link #isOwned()} (open and the lease valid) for the checks they make while they run.
 * Thread-safe.
 */
public final class ShardGate implements OwnedShard {

  private static final Logger LOG = LoggerFactory.getLogger(ShardGate.class);
  private static final long WARN_EVERY_MILLIS = 5000;

  private final int shard;
  private final long epoch;
  private final Lease lease;
  private int inFlight;
  private final Set<Thread> running = new LinkedHashSet<>();
  private boolean open = true;
  /** Null until the endpoint subscribed the shard (and on a node without a handler). */
  private volatile @Nullable Subscription subscription;

  /**
   * Opens the gate of a shard acquired in {@code epoch} under {@code lease}.
   *
   * @param shard the shard
   * @param epoch the assignment epoch it was acquired in
   * @param lease the membership lease
   */
  public ShardGate(int shard, long epoch, Lease lease) {
    this.shard = shard;
    this.epoch = epoch;
    this.lease = lease;
  }

  @Override
  public int shard() {
    return shard;
  }

  @Override
  public long epoch() {
    return epoch;
  }

  /** Same as {@link #isActive()}: open and the lease valid; once false, false forever. */
  @Override
  public boolean isOwned() {
    return isActive();
  }

  public @Nullable Subscription subscription() {
    return subscription;
  }

  public void subscription(Subscription subscription) {
    this.subscription = subscription;
  }

  /** Returns whether the shard is active here now. */
  public synchronized boolean isActive() {
    return open && lease.isValid();
  }

  /** Lets a request in if the shard is active; the caller must call {@link #exit()} after. */
  public synchronized boolean enter() {
    if (!open || !lease.isValid()) {
      return false;
    }
    inFlight++;
    return true;
  }

  public synchronized void exit() {
    inFlight--;
    if (inFlight == 0) {
      notifyAll();
    }
  }

  /** Records that the calling thread runs the handler for a request that entered. */
  public synchronized void running() {
    running.add(Thread.currentThread());
  }

  /** Records that the calling thread no longer runs a handler; call before {@link #exit()}. */
  public synchronized void finished() {
    running.remove(Thread.currentThread());
  }

  /**
   * Closes the gate and waits until no request is inside, for at most {@code max}.
   *
   * @param max the longest wait
   * @param handler names the handler in the report of a stuck one
   * @return true if no request is inside; false if some are still running after {@code max}
   *     (they are logged as an error with their threads and stacks, and left running)
   */
  public synchronized boolean close(Duration max, String handler) {
    open = false;
    boolean interrupted = false;
    long started = System.nanoTime();
    long deadline = started + max.toNanos();
    try {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          reportStuck(max, handler);
          return false;
        }
        try {
          wait(Math.max(1, Math.min(WARN_EVERY_MILLIS, left / 1_000_000)));
        } catch (InterruptedException e) {
          interrupted = true;
        }
        if (inFlight > 0 && System.nanoTime() - deadline < 0) {
          LOG.warn("releasing shard {} waits for {} request(s) of {} still running after {} ms",
              shard, inFlight, handler, (System.nanoTime() - started) / 1_000_000);
        }
      }
      return true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void reportStuck(Duration max, String handler) {
    List<String> where = new ArrayList<>();
    for (Thread thread : running) {
      StackTraceElement[] stack = thread.getStackTrace();
      StringBuilder line = new StringBuilder("'").append(thread.getName()).append("' at ");
      for (int i = 0; i < Math.min(stack.length, 5); i++) {
        line.append(i == 0 ? "" : " < ").append(stack[i]);
      }
      where.add(line.toString());
    }
    LOG.error("shard {} is released with {} request(s) of {} still running after {}: the"
        + " handler does not return; it keeps running, its late reply goes to a caller that has"
        + " timed out, and the shard's new owner may run requests for the same actors meanwhile."
        + " Threads: {}", shard, inFlight, handler, max, where.isEmpty() ? "not started" : where);
  }
}
