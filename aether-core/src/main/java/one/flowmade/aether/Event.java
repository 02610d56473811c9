package one.flowmade.aether;

import java.time.Instant;

/**
 * A stored event: immutable history of one actor.
 *
 * <p>Versions are per actor and contiguous (1, 2, 3 …); the position is the event's place in the
 * namespace's global order (the namespace stream's sequence), strictly increasing in append order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the client-generated unique id
 * @param type the event type
 * @param actorId the actor the event belongs to
 * @param version the actor's version after this event, from 1
 * @param timestamp when the event happened
 * @param metadata the metadata
 * @param data the data
 * @param position the position in the namespace, from 1
 */
public record Event(
    String id,
    String type,
    String actorId,
    long version,
    Instant timestamp,
    Metadata metadata,
    Payload data,
    long position) {

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException if a field is out of range
   * @throws NullPointerException if a field is null
   */
  public Event {
    Limits.checkEvent(id, type, timestamp, metadata, data);
    Limits.checkActorId(actorId);
    if (version < 1) {
      throw new IllegalArgumentException("version must be at least 1, was " + version);
    }
    if (position < 1) {
      throw new IllegalArgumentException("position must be at least 1, was " + position);
    }
  }

  /**
   * Returns the stored event for an appended one.
   *
   * @param actorId the actor
   * @param version its version
   * @param position its position
   * @param event what was appended
   * @return the stored event
   */
  public static Event stored(String actorId, long version, long position, NewEvent event) {
    return new Event(event.id(), event.type(), actorId, version, event.timestamp(),
        event.metadata(), event.data(), position);
  }
}
