package one.flowmade.aether.verification.history;

import java.util.Objects;

/**
 * An event found in the store when the run's final state was read back.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actorId the actor
 * @param version its version
 * @param eventId its id
 * @param position its position in the namespace
 */
public record StoredEvent(String actorId, long version, String eventId, long position) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public StoredEvent {
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(eventId, "eventId");
  }

  /**
   * Describes the event on one line.
   *
   * @return the description
   */
  public String describe() {
    return "stored actor='" + actorId + "' v" + version + " event=" + eventId + " position="
        + position;
  }
}
