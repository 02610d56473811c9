package one.flowmade.aether;

import java.time.Instant;
import java.util.Objects;
import one.flowmade.aether.internal.LazyEvents;
import org.jspecify.annotations.Nullable;

/**
 * A stored event: immutable history of one actor.
 *
 * <p>Versions are per actor and contiguous (1, 2, 3 …); the position is the event's place in the
 * namespace's global order (the namespace stream's sequence), strictly increasing in append order.
 *
 * <p>An event read from a store may be decoded lazily: its id, type, actor id, version, position
 * and data (bytes and content type; the bytes are not decoded, that is the codec's work when it is
 * asked) are checked when it is read, its {@link #timestamp()} and {@link #metadata()} when they
 * are first asked for (a fold that reads only the data never parses the timestamp or the
 * metadata). If such a field turns out to be malformed in storage, its accessor throws a {@link
 * DecodingException} naming the event's position and what was wrong, each time it is called; the
 * other fields stay readable. Events made with the constructor are decoded already.
 *
 * <p>Two events are equal when all eight fields are ({@link #equals(Object)} decodes lazy fields).
 *
 * <p>Immutable and thread-safe: a lazy field is decoded at most once per thread that races for
 * it, and every thread sees the same value.
 */
public final class Event {

  private final String id;
  private final String type;
  private final String actorId;
  private final long version;
  private final long position;
  // Null for an event made decoded; then timestamp and metadata are set from the start.
  private final LazyEvents.@Nullable Source source;
  private volatile @Nullable Instant timestamp;
  private volatile @Nullable Metadata metadata;
  private final Payload data;

  static {
    LazyEvents.install(Event::new);
  }

  /**
   * Creates a decoded event and validates every field.
   *
   * @param id the client-generated unique id
   * @param type the event type
   * @param actorId the actor the event belongs to
   * @param version the actor's version after this event, from 1
   * @param timestamp when the event happened
   * @param metadata the metadata
   * @param data the data
   * @param position the position in the namespace, from 1
   * @throws IllegalArgumentException if a field is out of range
   * @throws NullPointerException if a field is null
   */
  public Event(String id, String type, String actorId, long version, Instant timestamp,
      Metadata metadata, Payload data, long position) {
    Limits.checkEvent(id, type, timestamp, metadata, data);
    this.id = id;
    this.type = type;
    this.actorId = checkRest(actorId, version, position);
    this.version = version;
    this.position = position;
    this.timestamp = timestamp;
    this.metadata = metadata;
    this.data = data;
    this.source = null;
  }

  /** A lazily decoded event; see {@link LazyEvents#event}. */
  private Event(String id, String type, String actorId, long version, long position,
      Payload data, LazyEvents.Source source) {
    this.id = Limits.checkEventId(id);
    this.type = Limits.checkEventType(type);
    this.actorId = checkRest(actorId, version, position);
    this.version = version;
    this.position = position;
    this.data = Objects.requireNonNull(data, "data");
    this.source = Objects.requireNonNull(source, "source");
  }

  private static String checkRest(String actorId, long version, long position) {
    Limits.checkActorId(actorId);
    if (version < 1) {
      throw new IllegalArgumentException("version must be at least 1, was " + version);
    }
    if (position < 1) {
      throw new IllegalArgumentException("position must be at least 1, was " + position);
    }
    return actorId;
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

  /**
   * Returns the client-generated unique id.
   *
   * @return the id
   */
  public String id() {
    return id;
  }

  /**
   * Returns the event type.
   *
   * @return the type
   */
  public String type() {
    return type;
  }

  /**
   * Returns the actor the event belongs to.
   *
   * @return the actor id
   */
  public String actorId() {
    return actorId;
  }

  /**
   * Returns the actor's version after this event.
   *
   * @return the version, from 1
   */
  public long version() {
    return version;
  }

  /**
   * Returns when the event happened; decoded on the first call for an event read from a store.
   *
   * @return the timestamp
   * @throws DecodingException if the stored timestamp is malformed (the message names the
   *     position and the header); nothing the caller can retry, the other fields stay readable
   */
  public Instant timestamp() {
    Instant t = timestamp;
    if (t == null) {
      t = Objects.requireNonNull(lazySource().timestamp(), "timestamp");
      timestamp = t;
    }
    return t;
  }

  /**
   * Returns the metadata; decoded on the first call for an event read from a store.
   *
   * @return the metadata
   * @throws DecodingException if a stored metadata entry is malformed (the message names the
   *     position and the header); the other fields stay readable
   */
  public Metadata metadata() {
    Metadata m = metadata;
    if (m == null) {
      m = Objects.requireNonNull(lazySource().metadata(), "metadata");
      metadata = m;
    }
    return m;
  }
  /** The source of an event read from a store: the only kind whose timestamp or metadata is unset. */
  private LazyEvents.Source lazySource() {
    return Objects.requireNonNull(source, "an event without a timestamp or metadata has a source");
  }


  /**
   * Returns the data.
   *
   * @return the data
   */
  public Payload data() {
    return data;
  }

  /**
   * Returns the position in the namespace.
   *
   * @return the position, from 1
   */
  public long position() {
    return position;
  }

  /**
   * Compares all eight fields, decoding lazy ones.
   *
   * @throws DecodingException if a lazy field of either event is malformed
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    return o instanceof Event other
        && version == other.version
        && position == other.position
        && id.equals(other.id)
        && type.equals(other.type)
        && actorId.equals(other.actorId)
        && timestamp().equals(other.timestamp())
        && metadata().equals(other.metadata())
        && data().equals(other.data());
  }

  /**
   * Hashes all eight fields, decoding lazy ones.
   *
   * @throws DecodingException if a lazy field is malformed
   */
  @Override
  public int hashCode() {
    return Objects.hash(id, type, actorId, version, timestamp(), metadata(), data(), position);
  }

  /** Describes the event; a lazy field that cannot be decoded is shown as undecodable. */
  @Override
  public String toString() {
    return "Event[id=" + id + ", type=" + type + ", actorId=" + actorId + ", version=" + version
        + ", timestamp=" + describe(this::timestamp) + ", metadata=" + describe(this::metadata)
        + ", data=" + data + ", position=" + position + "]";
  }

  private static String describe(java.util.function.Supplier<?> field) {
    try {
      return String.valueOf(field.get());
    } catch (DecodingException e) {
      return "<undecodable: " + e.getMessage() + ">";
    }
  }
}
