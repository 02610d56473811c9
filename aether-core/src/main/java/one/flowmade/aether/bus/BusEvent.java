package one.flowmade.aether.bus;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import one.flowmade.aether.Event;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;

/**
 * An event as the bus carries it: the fields of an {@link Event} plus its namespace, with the
 * version and the position optional.
 *
 * <p>The bus assigns nothing; it carries what the publisher set:
 *
 * <ul>
 *   <li>{@link #version()} is the actor's version after the event. An event read from or appended
 *       to a store carries its stored version ({@link #of(Namespace, Event)}); an event made for
 *       the bus alone has {@value #NONE} unless the publisher sets one ({@link
 *       #withVersion(long)}), for example the version of the actor state it announces.
 *   <li>{@link #position()} is the event's position in its namespace's stream, or {@value #NONE}
 *       when unknown. It is known for a stored {@link Event} published with {@link #of(Namespace,
 *       Event)} and for a stored event the NATS bus receives as its stream republishes it. It is
 *       unknown for bus-only events, and for events a NATS bus reads from the store's own subjects
 *       (a mode for streams that do not republish), because the stream assigns the position
 *       after the message is sent.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 *
 * @param namespace the namespace the event belongs to
 * @param id the event id (see {@link Limits#checkEventId(String)})
 * @param type the event type (see {@link Limits#checkEventType(String)})
 * @param actorId the actor the event is about (see {@link Limits#checkActorId(String)})
 * @param version the actor's version after the event, or {@value #NONE} for none
 * @param timestamp when the event happened
 * @param metadata the metadata
 * @param data the data
 * @param position the position in the namespace's stream, or {@value #NONE} when unknown
 */
public record BusEvent(
    Namespace namespace,
    String id,
    String type,
    String actorId,
    long version,
    Instant timestamp,
    Metadata metadata,
    Payload data,
    long position) {

  /** The value of {@link #version()} and {@link #position()} when there is none. */
  public static final long NONE = 0;

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException if the id, type or actor id is invalid, or the version or
   *     position is negative
   * @throws NullPointerException if a field is null
   */
  public BusEvent {
    Objects.requireNonNull(namespace, "namespace");
    Limits.checkEvent(id, type, timestamp, metadata, data);
    Limits.checkActorId(actorId);
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative, was " + version);
    }
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative, was " + position);
    }
  }

  /**
   * Returns a stored event as a bus event, with its version and position.
   *
   * @param namespace the namespace it is stored in
   * @param event the stored event
   * @return the bus event
   */
  public static BusEvent of(Namespace namespace, Event event) {
    Objects.requireNonNull(event, "event");
    return new BusEvent(namespace, event.id(), event.type(), event.actorId(), event.version(),
        event.timestamp(), event.metadata(), event.data(), event.position());
  }

  /**
   * Returns a bus-only event about an actor, without version or position.
   *
   * @param namespace the namespace
   * @param actorId the actor the event is about
   * @param event the event's id, type, timestamp, metadata and data
   * @return the bus event
   * @throws IllegalArgumentException if the actor id is invalid
   */
  public static BusEvent of(Namespace namespace, String actorId, NewEvent event) {
    Objects.requireNonNull(event, "event");
    return new BusEvent(namespace, event.id(), event.type(), actorId, NONE, event.timestamp(),
        event.metadata(), event.data(), NONE);
  }

  /**
   * Returns a bus-only event with a random id, the current time and no metadata.
   *
   * @param namespace the namespace
   * @param actorId the actor the event is about
   * @param type the event type
   * @param data the data
   * @return the bus event
   * @throws IllegalArgumentException if the actor id or type is invalid
   */
  public static BusEvent of(Namespace namespace, String actorId, String type, Payload data) {
    return new BusEvent(namespace, UUID.randomUUID().toString(), type, actorId, NONE,
        Instant.now(), Metadata.empty(), data, NONE);
  }

  /**
   * Returns a copy with another version.
   *
   * @param version the actor's version after the event, or {@value #NONE}
   * @return the copy
   * @throws IllegalArgumentException if {@code version} is negative
   */
  public BusEvent withVersion(long version) {
    return new BusEvent(namespace, id, type, actorId, version, timestamp, metadata, data,
        position);
  }

  /**
   * Returns a copy with other metadata.
   *
   * @param metadata the metadata
   * @return the copy
   */
  public BusEvent withMetadata(Metadata metadata) {
    return new BusEvent(namespace, id, type, actorId, version, timestamp, metadata, data,
        position);
  }

  /**
   * Returns the stored event this bus event describes, when both its version and its position
   * are known.
   *
   * @return the stored event, or empty if the version or the position is {@value #NONE}
   */
  public Optional<Event> toStoredEvent() {
    if (version == NONE || position == NONE) {
      return Optional.empty();
    }
    return Optional.of(new Event(id, type, actorId, version, timestamp, metadata, data, position));
  }
}
