package one.flowmade.aether.cluster;

import io.nats.client.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The door of one active shard on this node: requests enter only while it is open and the
 * membership lease it was opened under is valid, and closing it waits until the requests inside
 * have finished, so that a released shard has no work left running. Thread-safe.
 */
final class ShardGate {

  private static final Logger LOG = LoggerFactory.getLogger(ShardGate.class);
  private static final long WARN_EVERY_MILLIS = 5000;

  private final int shard;
  private final Lease lease;
  private int inFlight;
  private boolean open = true;
  private volatile Subscription subscription;

  ShardGate(int shard, Lease lease) {
    this.shard = shard;
    this.lease = lease;
  }

  int shard() {
    return shard;
  }

  Subscription subscription() {
    return subscription;
  }

  void subscription(Subscription subscription) {
    this.subscription = subscription;
  }

  /** Returns whether the shard is active here now. */
  synchronized boolean isActive() {
    return open && lease.isValid();
  }

  /** Lets a request in if the shard is active; the caller must call {@link #exit()} after. */
  synchronized boolean enter() {
    if (!open || !lease.isValid()) {
      return false;
    }
    inFlight++;
    return true;
  }

  synchronized void exit() {
    inFlight--;
    if (inFlight == 0) {
      notifyAll();
    }
  }

  /** Closes the gate and waits until no request is inside. */
  synchronized void close() {
    open = false;
    boolean interrupted = false;
    long started = System.nanoTime();
    while (inFlight > 0) {
      try {
        wait(WARN_EVERY_MILLIS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
      if (inFlight > 0) {
        LOG.warn("releasing shard {} waits for {} request(s) still running after {} ms", shard,
            inFlight, (System.nanoTime() - started) / 1_000_000);
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
