package one.flowmade.aether.actor;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How often and how patiently a command is retried after a version conflict: at most {@link
 * #maxAttempts()} attempts, waiting an exponentially growing, jittered backoff between them
 * ("full jitter": a random wait between 0 and the capped exponential delay), so contending
 * writers spread out. The same backoff spaces the retries of transient append failures, which
 * are not counted against {@link #maxAttempts()}: the command's one deadline ({@link
 * ActorRepository.Builder#commandTimeout}) ends them, and ends conflict retries too if it comes
 * first. The policy never multiplies the stores' own retry budgets: every store call of a command
 * is given the command's deadline.
 *
 * <p>Immutable and thread-safe.
 *
 * @param maxAttempts the most attempts, at least 1 (1 = no retry)
 * @param initialBackoff the cap of the first wait
 * @param maxBackoff the cap of any wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException if a value is out of range
   */
  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff, were "
          + initialBackoff + " and " + maxBackoff);
    }
  }

  /**
   * Returns the default: 10 attempts, backoff from 5 ms up to 500 ms.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return new RetryPolicy(10, Duration.ofMillis(5), Duration.ofMillis(500));
  }

  /**
   * Returns a policy that never retries.
   *
   * @return the policy
   */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /**
   * Returns a copy with another number of attempts.
   *
   * @param maxAttempts the most attempts
   * @return the copy
   */
  public RetryPolicy withMaxAttempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
  }

  /**
   * Returns the jittered wait before attempt {@code attempt + 1}.
   *
   * @param attempt the attempt that failed, from 1
   * @return a random wait between zero and the capped exponential delay
   */
  public Duration backoff(int attempt) {
    long initial = initialBackoff.toNanos();
    long cap = maxBackoff.toNanos();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long ceiling = initial > (cap >> shift) ? cap : Math.min(cap, initial << shift);
    return ceiling <= 0 ? Duration.ZERO
        : Duration.ofNanos(ThreadLocalRandom.current().nextLong(ceiling + 1));
  }
}
