package one.flowmade.aether.jetstream;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long and how patiently the JetStream stores retry transient failures (a stream-leader
 * election, a reconnect, a request that timed out) before they give up.
 *
 * <p>Each call (an append, a read, a snapshot save) may take at most {@link #timeLimit()} from its
 * first attempt; between attempts it waits a random time between zero and an exponentially
 * growing cap ("full jitter"), from {@link #initialBackoff()} up to {@link #maxBackoff()}. Retried
 * appends carry the same event ids and the same expectation, so they never store events twice.
 * A stream-leader failover on a three-node cluster takes several seconds, so the time limit
 * should be well above that; the default is 30 seconds.
 *
 * <p>Immutable and thread-safe.
 *
 * @param timeLimit how long one call may keep retrying; zero means a single attempt
 * @param initialBackoff the cap of the first wait
 * @param maxBackoff the cap of any wait
 */
public record RetryBudget(Duration timeLimit, Duration initialBackoff, Duration maxBackoff) {

  /**
   * Validates the durations.
   *
   * @param timeLimit how long one call may keep retrying; zero means a single attempt
   * @param initialBackoff the cap of the first wait
   * @param maxBackoff the cap of any wait
   * @throws IllegalArgumentException if a duration is negative or {@code maxBackoff <
   *     initialBackoff}
   * @throws NullPointerException if a duration is null
   */
  public RetryBudget {
    Objects.requireNonNull(timeLimit, "timeLimit");
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (timeLimit.isNegative()) {
      throw new IllegalArgumentException("timeLimit must not be negative, was " + timeLimit);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, were "
          + initialBackoff + " and " + maxBackoff);
    }
  }

  /**
   * Returns the default: retry for up to 30 seconds, waiting from 20 ms up to 1 s between
   * attempts.
   *
   * @return the default budget
   */
  public static RetryBudget defaults() {
    return new RetryBudget(Duration.ofSeconds(30), Duration.ofMillis(20), Duration.ofSeconds(1));
  }

  /**
   * Returns a budget that never retries: one attempt per call.
   *
   * @return the budget
   */
  public static RetryBudget none() {
    return new RetryBudget(Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /**
   * Returns a copy with another time limit.
   *
   * @param timeLimit how long one call may keep retrying
   * @return the copy
   */
  public RetryBudget withTimeLimit(Duration timeLimit) {
    return new RetryBudget(timeLimit, initialBackoff, maxBackoff);
  }

  /**
   * Returns the jittered wait before the attempt after {@code attempt}.
   *
   * @param attempt the attempt that failed, from 1
   * @return a random wait between zero and the capped exponential delay
   */
  public Duration backoff(int attempt) {
    long initial = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    if (cap == 0) {
      return Duration.ZERO;
    }
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long ceiling = initial << shift;
    if (ceiling < 0 || ceiling > cap || (initial != 0 && ceiling >>> shift != initial)) {
      ceiling = cap;
    }
    return Duration.ofNanos(ceiling == 0 ? 0 : ThreadLocalRandom.current().nextLong(ceiling + 1));
  }
}
