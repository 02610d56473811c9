package one.flowmade.aether.projection;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Projections#list()} knows about one projection: its stored checkpoint, how far it
 * lags the namespace, its parking list, and its state if an instance runs in this process.
 * Immutable and thread-safe.
 *
 * @param key the checkpoint key (the name, with the partition if partitioned)
 * @param position the last committed position
 * @param epoch the owner epoch
 * @param lagEvents positions of the namespace beyond {@code position}; -1 if the event store
 *     could not be asked
 * @param parked events in its parking list; -1 if the store keeps none
 * @param state the state of the instance registered with {@link Projections#register}, empty
 *     if none is registered here (one may run elsewhere)
 */
public record ProjectionInfo(String key, long position, long epoch, long lagEvents, int parked,
    Optional<ProjectionState> state) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public ProjectionInfo {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(state, "state");
  }
}
