package one.flowmade.aether.testkit.nats;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it with a growing interval (10 ms up to 200 ms), never longer
 * than a timeout.
 */
final class Poll {

  private static final long FIRST_INTERVAL_NANOS = Duration.ofMillis(10).toNanos();
  private static final long MAX_INTERVAL_NANOS = Duration.ofMillis(200).toNanos();

  private Poll() {}

  /**
   * Polls until the probe returns a value.
   *
   * @param what what is awaited, for the timeout message ("n1 to be ready")
   * @param timeout how long to wait at most
   * @param probe returns the value once the condition holds; may throw to stop waiting
   * @param diagnostics appended to the timeout message (log tails, last error)
   * @param <T> the value type
   * @return the probe's value
   * @throws NatsServerException on timeout or interruption (the interrupt flag is restored)
   */
  static <T> T until(
      String what, Duration timeout, Supplier<Optional<T>> probe, Supplier<String> diagnostics) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long interval = FIRST_INTERVAL_NANOS;
    while (true) {
      Optional<T> value = probe.get();
      if (value.isPresent()) {
        return value.get();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new NatsServerException(
            "timed out after " + timeout.toMillis() + " ms waiting for " + what + diagnostics.get());
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(interval, left)).toMillis() + 1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NatsServerException("interrupted while waiting for " + what, e);
      }
      interval = Math.min(interval * 2, MAX_INTERVAL_NANOS);
    }
  }

  /**
   * Polls until the condition holds.
   *
   * @param what what is awaited, for the timeout message
   * @param timeout how long to wait at most
   * @param condition true once done; may throw to stop waiting
   * @param diagnostics appended to the timeout message
   * @throws NatsServerException on timeout or interruption
   */
  static void until(
      String what,
      Duration timeout,
      BooleanSupplier condition,
      Supplier<String> diagnostics) {
    until(
        what,
        timeout,
        () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty(),
        diagnostics);
  }
}
