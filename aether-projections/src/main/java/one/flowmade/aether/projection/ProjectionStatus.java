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
 */
public record ProjectionStatus(String name, ProjectionState state, long position, long lagEvents,
    Duration lagTime, long applied, long skipped, int parked, Optional<String> lastError) {

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
  }
}
