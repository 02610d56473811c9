package one.flowmade.aether.cluster.internal.lease;

import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * A lease on this process's monotonic clock ({@link System#nanoTime()}): valid from its grant
 * until its deadline, which each successful renewal moves to {@code send time + ttl - safety
 * margin}. Once it has been seen to be invalid (expired or revoked) it stays invalid, so its
 * validity is one contiguous interval. The server-side key behind it expires at the earliest at
 * {@code store time + ttl}, and the store time is after the send time, so the lease ends here
 * before the key can expire there (given the drift assumptions in {@code docs/cluster.md}).
 *
 * <p>Thread-safe and lock-free.
 */
public final class Lease {

  private record State(long deadline, boolean ended, long endedAt) {}

  private static final AtomicReferenceFieldUpdater<Lease, State> STATE =
      AtomicReferenceFieldUpdater.newUpdater(Lease.class, State.class, "state");

  private final long validForNanos;
  private final long grantedAt;
  /** Never null: set here and only ever replaced by a new state. */
  private volatile State state;

  /**
   * Grants a lease whose key was written by a request sent at {@code sentAt}.
   *
   * @param sentAt {@link System#nanoTime()} just before the granting write was sent
   * @param validForNanos ttl minus safety margin
   */
  public Lease(long sentAt, long validForNanos) {
    this.validForNanos = validForNanos;
    this.grantedAt = System.nanoTime();
    this.state = new State(sentAt + validForNanos, false, 0);
  }

  /** Returns when the lease was granted, on the monotonic clock. */
  public long grantedAt() {
    return grantedAt;
  }

  /**
   * Returns whether the lease is valid now, and seals it as ended (at its deadline) if the
   * deadline has passed.
   */
  public boolean isValid() {
    while (true) {
      State s = state;
      if (s.ended) {
        return false;
      }
      if (System.nanoTime() - s.deadline < 0) {
        return true;
      }
      if (STATE.compareAndSet(this, s, new State(s.deadline, true, s.deadline))) {
        return false;
      }
    }
  }

  /**
   * Extends the lease after a renewal sent at {@code sentAt} succeeded. Does nothing and returns
   * false if the lease had already ended: a lease is never revived.
   */
  public boolean extend(long sentAt) {
    while (true) {
      State s = state;
      if (s.ended) {
        return false;
      }
      if (System.nanoTime() - s.deadline >= 0) {
        STATE.compareAndSet(this, s, new State(s.deadline, true, s.deadline));
        continue;
      }
      long deadline = sentAt + validForNanos;
      if (deadline - s.deadline < 0) {
        deadline = s.deadline;
      }
      if (STATE.compareAndSet(this, s, new State(deadline, false, 0))) {
        return true;
      }
    }
  }

  /** Ends the lease now (or at its deadline, if that has passed). Idempotent. */
  public void revoke() {
    while (true) {
      State s = state;
      if (s.ended) {
        return;
      }
      long now = System.nanoTime();
      long end = now - s.deadline < 0 ? now : s.deadline;
      if (STATE.compareAndSet(this, s, new State(s.deadline, true, end))) {
        return;
      }
    }
  }

  /**
   * Returns when the write that granted the lease or last extended it was sent, on the monotonic
   * clock: its deadline less its validity.
   */
  public long renewedAt() {
    return state.deadline - validForNanos;
  }

  /** Returns the current deadline on the monotonic clock. */
  public long deadline() {
    return state.deadline;
  }

  /** Returns nanoseconds left before the deadline, zero once ended. */
  public long remainingNanos() {
    if (!isValid()) {
      return 0;
    }
    return Math.max(0, state.deadline - System.nanoTime());
  }

  /** Returns when the lease ended on the monotonic clock; only meaningful once it has ended. */
  public long endedAt() {
    isValid();
    return state.endedAt;
  }

  /** Returns whether the lease has been sealed as ended. */
  public boolean hasEnded() {
    return !isValid();
  }
}
