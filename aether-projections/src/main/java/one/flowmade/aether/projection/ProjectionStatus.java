package one.flowmade.aether.projection;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a projection's progress. Immutable and thread-safe.
 *
 * @param name the projection's name (with its partition, if partitioned)
 * @param state where it is in its life
 * @param position the last position whose effects are committed (the checkpoint), 0 for none
 * @param lagEvents how many positions of the namespace lie beyond {@code position}
 * @param lagTime how old the last applied event was when it was applied; zero when caught up
 * @param applied events applied since start
 * @param skipped events skipped (by policy) since start
 * @param parked events in the parking list
 * @param lastError the last error, with the position it happened at
 * @param eventsPerSecond events applied per second over the last 10 to 20 seconds (0 when idle)
 * @param eta while catching up, how long the {@code lagEvents} left take at {@code
 *     eventsPerSecond} (empty when the rate or the lag is unknown); zero when live; empty when
 *     not running
 */
public record ProjectionStatus(String name, ProjectionState state, long position, long lagEvents,
    Duration lagTime, long applied, long skipped, int parked, Optional<String> lastError,
    double eventsPerSecond, Optional<Duration> eta) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public ProjectionStatus {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(lagTime, "lagTime");
    Objects.requireNonNull(lastError, "lastError");
    Objects.requireNonNull(eta, "eta");
  }

  /**
   * A status without a rate or an ETA, as it was before they were measured.
   *
   * @param name the projection's name
   * @param state where it is in its life
   * @param position the checkpoint
   * @param lagEvents positions beyond {@code position}
   * @param lagTime age of the last applied event when applied
   * @param applied events applied
   * @param skipped events skipped
   * @param parked events parked
   * @param lastError the last error
   */
  public ProjectionStatus(String name, ProjectionState state, long position, long lagEvents,
      Duration lagTime, long applied, long skipped, int parked, Optional<String> lastError) {
    this(name, state, position, lagEvents, lagTime, applied, skipped, parked, lastError, 0,
        Optional.empty());
  }

  /**
   * Returns the events left to catch up: {@link #lagEvents()}.
   *
   * @return the events left, -1 when the event store could not be asked
   */
  public long eventsLeft() {
    return lagEvents;
  }
}
