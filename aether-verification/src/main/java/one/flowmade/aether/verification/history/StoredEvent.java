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
 * @param writer the process that wrote it, when the event's data names it (hosted actors' events
 *     do), else null
 * @param epoch the shard epoch under which {@code writer} wrote it, or -1 if unknown
 */
public record StoredEvent(String actorId, long version, String eventId, long position,
    String writer, long epoch) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if the actor id or event id is null
   */
  public StoredEvent {
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(eventId, "eventId");
  }

  /**
   * An event whose writer is not known.
   *
   * @param actorId the actor
   * @param version its version
   * @param eventId its id
   * @param position its position in the namespace
   */
  public StoredEvent(String actorId, long version, String eventId, long position) {
    this(actorId, version, eventId, position, null, -1);
  }

  /**
   * Describes the event on one line.
   *
   * @return the description
   */
  public String describe() {
    return "stored actor='" + actorId + "' v" + version + " event=" + eventId + " position="
        + position + (writer == null ? "" : " writer=" + writer + " epoch=" + epoch);
  }
}
