package one.flowmade.aether;

import java.time.Duration;
import java.util.Objects;

/**
 * A point in time by which a call must be over, on this process's monotonic clock ({@link
 * System#nanoTime()}): one deadline bounds everything a command does (loading, deciding,
 * appending, retrying, snapshotting), and each layer that blocks or retries stops at it instead of
 * starting a budget of its own.
 *
 * <p>A deadline means nothing in another process; to hand one over, send its {@link #remaining()}
 * time and start a new deadline from that on the other side.
 *
 * <p>Immutable and thread-safe.
 */
public final class Deadline {

  private static final Deadline NONE = new Deadline(Long.MAX_VALUE, false);

  private final long nanoTime;
  private final boolean bounded;

  private Deadline(long nanoTime, boolean bounded) {
    this.nanoTime = nanoTime;
    this.bounded = bounded;
  }

  /**
   * Returns the deadline {@code timeout} from now.
   *
   * @param timeout the time allowed, zero or more
   * @return the deadline
   * @throws IllegalArgumentException if the timeout is negative
   */
  public static Deadline after(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    long nanos;
    try {
      nanos = timeout.toNanos();
    } catch (ArithmeticException e) {
      return NONE;
    }
    long now = System.nanoTime();
    long at = now + nanos;
    // An overflowing sum means "later than anything this process will see".
    return at - now < 0 ? NONE : new Deadline(at, true);
  }

  /**
   * Returns the deadline that never passes: each layer then applies only its own limits (the
   * stores' retry budgets).
   *
   * @return the unbounded deadline
   */
  public static Deadline none() {
    return NONE;
  }

  /**
   * Returns whether this deadline ever passes.
   *
   * @return false only for {@link #none()}
   */
  public boolean isBounded() {
    return bounded;
  }

  /**
   * Returns whether the deadline has passed.
   *
   * @return true once {@link #remaining()} is zero
   */
  public boolean isExpired() {
    return bounded && System.nanoTime() - nanoTime >= 0;
  }

  /**
   * Returns the time left, never negative; a very long duration for {@link #none()}.
   *
   * @return the time left
   */
  public Duration remaining() {
    return Duration.ofNanos(remainingNanos());
  }

  /**
   * Returns the time left in nanoseconds, never negative; {@link Long#MAX_VALUE} for {@link
   * #none()}.
   *
   * @return the time left
   */
  public long remainingNanos() {
    if (!bounded) {
      return Long.MAX_VALUE;
    }
    return Math.max(0, nanoTime - System.nanoTime());
  }

  /**
   * Returns the {@link System#nanoTime()} value at which this deadline passes, for comparisons
   * with other {@code nanoTime} values; only meaningful if {@link #isBounded()}.
   *
   * @return the deadline's instant on the monotonic clock
   */
  public long nanoTime() {
    return nanoTime;
  }

  /**
   * Returns the earlier of this deadline and {@code timeout} from now.
   *
   * @param timeout a limit of the caller's own
   * @return the earlier deadline
   */
  public Deadline atMost(Duration timeout) {
    Deadline other = after(timeout);
    if (!bounded) {
      return other;
    }
    if (!other.bounded) {
      return this;
    }
    return other.nanoTime - nanoTime < 0 ? other : this;
  }

  @Override
  public String toString() {
    return bounded ? "Deadline[in " + remaining().toMillis() + " ms]" : "Deadline[none]";
  }
}
