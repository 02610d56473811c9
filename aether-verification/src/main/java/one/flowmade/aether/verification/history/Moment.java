package one.flowmade.aether.verification.history;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A point in time as a verification run records it: the host's monotonic clock ({@link
 * System#nanoTime()}) for ordering, and the wall clock for people.
 *
 * <p>Every process of a run is on one host. On Linux, HotSpot's {@code System.nanoTime()} reads
 * {@code CLOCK_MONOTONIC} without a per-process offset, so moments taken in different processes of
 * the same host compare correctly; the checker orders by {@link #nanos()} only.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nanos the monotonic clock in nanoseconds
 * @param wallMicros the wall clock in microseconds since the epoch
 */
public record Moment(long nanos, long wallMicros) implements Comparable<Moment> {

  /**
   * Returns the current moment.
   *
   * @return now
   */
  public static Moment now() {
    long nanos = System.nanoTime();
    return new Moment(nanos, ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()));
  }

  /**
   * Returns a moment at a monotonic time, with a wall clock derived from it, for hand-made
   * histories.
   *
   * @param nanos the monotonic time in nanoseconds
   * @return the moment
   */
  public static Moment ofNanos(long nanos) {
    return new Moment(nanos, nanos / 1000);
  }

  /**
   * Returns a moment a number of milliseconds after the origin of the monotonic clock, for
   * hand-made histories.
   *
   * @param millis milliseconds
   * @return the moment
   */
  public static Moment ofMillis(long millis) {
    return ofNanos(millis * 1_000_000L);
  }

  /**
   * Returns the moment a duration later.
   *
   * @param duration the duration
   * @return the later moment
   */
  public Moment plus(java.time.Duration duration) {
    return new Moment(nanos + duration.toNanos(), wallMicros + duration.toNanos() / 1000);
  }

  /**
   * Returns whether this moment comes strictly before another.
   *
   * @param other the other moment
   * @return true if this is earlier
   */
  public boolean isBefore(Moment other) {
    return nanos - other.nanos < 0;
  }

  /**
   * Returns whether this moment comes strictly after another.
   *
   * @param other the other moment
   * @return true if this is later
   */
  public boolean isAfter(Moment other) {
    return nanos - other.nanos > 0;
  }

  /**
   * Returns the wall-clock time.
   *
   * @return the wall-clock instant
   */
  public Instant wall() {
    return Instant.EPOCH.plus(wallMicros, ChronoUnit.MICROS);
  }

  @Override
  public int compareTo(Moment other) {
    return Long.compare(nanos, other.nanos);
  }

  /**
   * Formats this moment relative to an origin, such as {@code +12.345678s}.
   *
   * @param origin the origin of the run
   * @return the relative time
   */
  public String relativeTo(Moment origin) {
    long micros = (nanos - origin.nanos) / 1000;
    String sign = micros < 0 ? "-" : "+";
    long abs = Math.abs(micros);
    return String.format("%s%d.%06ds", sign, abs / 1_000_000, abs % 1_000_000);
  }
}
