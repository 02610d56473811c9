package one.flowmade.aether.projection;

import java.time.Duration;
import java.util.Objects;

/**
 * What a projection does when applying an event fails (the handler throws, the event cannot be
 * decoded, or the checkpoint cannot be committed): retry with bounded exponential backoff, then
 * {@link Action#STOP stop} (the default), {@link Action#SKIP skip and report} or {@link
 * Action#PARK park}. Nothing is skipped silently: every skip and park is logged, counted and kept
 * as the last error in {@link ProjectionStatus}.
 *
 * <p>A stored message that cannot be decoded is not retried (it would fail again); it goes to
 * the action at once. A failing checkpoint commit (database or server away) is retried without
 * end while the projection runs: the checkpoint never moves past effects that were not committed.
 *
 * <p>Immutable and thread-safe.
 *
 * @param attempts how many times an event is tried before the action, at least 1
 * @param initialBackoff the wait before the second attempt; doubled each time
 * @param maxBackoff the longest wait between attempts
 * @param action what to do once the attempts are spent
 */
public record ErrorPolicy(int attempts, Duration initialBackoff, Duration maxBackoff,
    Action action) {

  /** What happens to an event once its attempts are spent. */
  public enum Action {
    /** Stop the projection in state {@link ProjectionState#FAILED}; the checkpoint stays before it. */
    STOP,
    /** Move past it, with a warning in the log and the error in status. */
    SKIP,
    /** Move past it and record it in the parking list. */
    PARK
  }

  /**
   * Validates the policy.
   *
   * @throws IllegalArgumentException if attempts is below 1 or a backoff is negative
   */
  public ErrorPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    Objects.requireNonNull(action, "action");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
    }
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative");
    }
  }

  /**
   * The default: 5 attempts, 100 ms doubling up to 5 s, then stop with the error in status.
   *
   * @return the policy
   */
  public static ErrorPolicy stop() {
    return new ErrorPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(5), Action.STOP);
  }

  /**
   * 5 attempts as {@link #stop()}, then skip the event with a warning.
   *
   * @return the policy
   */
  public static ErrorPolicy skipAndReport() {
    return stop().withAction(Action.SKIP);
  }

  /**
   * 5 attempts as {@link #stop()}, then park the event.
   *
   * @return the policy
   */
  public static ErrorPolicy park() {
    return stop().withAction(Action.PARK);
  }

  /**
   * Returns this policy with other attempts and backoff.
   *
   * @param attempts tries per event, at least 1
   * @param initialBackoff first wait
   * @param maxBackoff longest wait
   * @return the policy
   */
  public ErrorPolicy withRetries(int attempts, Duration initialBackoff, Duration maxBackoff) {
    return new ErrorPolicy(attempts, initialBackoff, maxBackoff, action);
  }

  /**
   * Returns this policy with another action.
   *
   * @param action what to do once attempts are spent
   * @return the policy
   */
  public ErrorPolicy withAction(Action action) {
    return new ErrorPolicy(attempts, initialBackoff, maxBackoff, action);
  }

  Duration backoff(int failedAttempts) {
    long millis = initialBackoff.toMillis();
    for (int i = 1; i < failedAttempts && millis < maxBackoff.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
  }
}
