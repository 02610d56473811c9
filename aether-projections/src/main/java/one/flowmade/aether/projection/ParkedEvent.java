package one.flowmade.aether.projection;

import java.time.Instant;
import java.util.Objects;

/**
 * An event the projection could not apply and set aside under {@link ErrorPolicy#park()}: its
 * checkpoint moved past it; {@link Projection#retryParked()} applies it again.
 *
 * <p>Immutable and thread-safe.
 *
 * @param position the event's position
 * @param eventId the event id, empty if the stored message could not be decoded
 * @param type the event type, empty if the stored message could not be decoded
 * @param actorId the actor id, or the message's source if it could not be decoded
 * @param cause why it failed
 * @param parkedAt when it was parked
 */
public record ParkedEvent(long position, String eventId, String type, String actorId,
    String cause, Instant parkedAt) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public ParkedEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(parkedAt, "parkedAt");
  }
}
