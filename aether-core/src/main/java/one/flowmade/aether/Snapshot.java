package one.flowmade.aether;

import java.time.Instant;
import java.util.Objects;

/**
 * An actor's state as of a version, so loading the actor reads only the events after it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actorId the actor
 * @param version the version of the last event folded into the state, at least 1
 * @param position the position of that event (0 if not known)
 * @param timestamp when the snapshot was taken
 * @param state the encoded state
 */
public record Snapshot(String actorId, long version, long position, Instant timestamp,
    Payload state) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the actor id is invalid or a number is out of range
   */
  public Snapshot {
    Limits.checkActorId(actorId);
    if (version < 1) {
      throw new IllegalArgumentException("snapshot version must be at least 1, was " + version);
    }
    if (position < 0) {
      throw new IllegalArgumentException("snapshot position must not be negative, was "
          + position);
    }
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(state, "state");
  }
}
