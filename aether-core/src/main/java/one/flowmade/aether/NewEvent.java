package one.flowmade.aether;

import java.time.Instant;
import java.util.UUID;

/**
 * An event to append: what the caller decides; the store adds the actor id, the version and the
 * position.
 *
 * <p>The id is client-generated (a random UUID by default) and is what makes a retried append
 * idempotent: appending an event whose id is already stored for the same actor stores nothing new
 * and returns the original result. The timestamp is taken when the event is created, so a retry
 * carries the same one.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the unique event id (see {@link Limits#checkEventId(String)})
 * @param type the event type (see {@link Limits#checkEventType(String)})
 * @param timestamp when the event happened
 * @param metadata the metadata
 * @param data the data
 */
public record NewEvent(String id, String type, Instant timestamp, Metadata metadata, Payload data) {

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException if the id or the type is not valid
   * @throws NullPointerException if a field is null
   */
  public NewEvent {
    Limits.checkEvent(id, type, timestamp, metadata, data);
  }

  /**
   * Returns a new event with a random id, the current time and no metadata.
   *
   * @param type the event type
   * @param data the data
   * @return the event
   * @throws IllegalArgumentException if the type is not valid
   */
  public static NewEvent of(String type, Payload data) {
    return new NewEvent(UUID.randomUUID().toString(), type, Instant.now(), Metadata.empty(), data);
  }

  /**
   * Returns a copy with another id.
   *
   * @param id the id
   * @return the copy
   */
  public NewEvent withId(String id) {
    return new NewEvent(id, type, timestamp, metadata, data);
  }

  /**
   * Returns a copy with other metadata.
   *
   * @param metadata the metadata
   * @return the copy
   */
  public NewEvent withMetadata(Metadata metadata) {
    return new NewEvent(id, type, timestamp, metadata, data);
  }

  /**
   * Returns a copy with another timestamp.
   *
   * @param timestamp the timestamp
   * @return the copy
   */
  public NewEvent withTimestamp(Instant timestamp) {
    return new NewEvent(id, type, timestamp, metadata, data);
  }
}
