package one.flowmade.aether;

import java.time.Instant;
import java.util.Objects;

/**
 * The documented limits on identifiers, and the checks every store applies to them.
 *
 * <p>Actor ids and event types may be any non-empty, well-formed Unicode string (dots, spaces,
 * wildcards and any other character included) whose UTF-8 encoding is at most {@link
 * #MAX_ACTOR_ID_BYTES} or {@link #MAX_EVENT_TYPE_BYTES} bytes. Stores encode them injectively
 * wherever they become subject tokens or keys. Event ids are client-generated, 1 to {@link
 * #MAX_EVENT_ID_LENGTH} printable ASCII characters without whitespace (a UUID fits).
 *
 * <p>The class is stateless and thread-safe.
 */
public final class Limits {

  /** The longest actor id accepted, in UTF-8 bytes. */
  public static final int MAX_ACTOR_ID_BYTES = 256;
  /** The longest event type accepted, in UTF-8 bytes. */
  public static final int MAX_EVENT_TYPE_BYTES = 128;
  /** The longest event id accepted, in characters. */
  public static final int MAX_EVENT_ID_LENGTH = 128;
  /** The most events a single append may carry. */
  public static final int MAX_EVENTS_PER_APPEND = 1000;

  private Limits() {}

  /**
   * Checks the arguments of a read of an actor's events, as every store's {@code read} and
   * {@code readStream} take them.
   *
   * @param actorId the actor ({@link #checkActorId(String)})
   * @param fromVersion the first version to read, at least 1
   * @param afterPosition a position hint, not negative (0 for none)
   * @throws IllegalArgumentException naming the argument that is out of range
   * @throws NullPointerException if the actor id is null
   */
  public static void checkActorRead(String actorId, long fromVersion, long afterPosition) {
    checkActorId(actorId);
    if (fromVersion < 1) {
      throw new IllegalArgumentException("fromVersion must be at least 1, was " + fromVersion);
    }
    if (afterPosition < 0) {
      throw new IllegalArgumentException("afterPosition must not be negative, was "
          + afterPosition);
    }
  }

  /**
   * Checks an actor id.
   *
   * @param actorId the actor id
   * @return the actor id, for chaining
   * @throws IllegalArgumentException if it is empty, not well-formed Unicode or too long
   * @throws NullPointerException if it is null
   */
  public static String checkActorId(String actorId) {
    return checkUtf8("actor id", actorId, MAX_ACTOR_ID_BYTES);
  }

  /**
   * Checks an event type.
   *
   * @param type the event type
   * @return the type, for chaining
   * @throws IllegalArgumentException if it is empty, not well-formed Unicode or too long
   * @throws NullPointerException if it is null
   */
  public static String checkEventType(String type) {
    return checkUtf8("event type", type, MAX_EVENT_TYPE_BYTES);
  }

  /**
   * Checks an event id.
   *
   * @param id the event id
   * @return the id, for chaining
   * @throws IllegalArgumentException if it is empty, too long, or holds anything but printable
   *     ASCII without whitespace
   * @throws NullPointerException if it is null
   */
  public static String checkEventId(String id) {
    Objects.requireNonNull(id, "event id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("event id must not be empty");
    }
    if (id.length() > MAX_EVENT_ID_LENGTH) {
      throw new IllegalArgumentException("event id is " + id.length()
          + " characters long; at most " + MAX_EVENT_ID_LENGTH + " are allowed");
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c <= ' ' || c > '~') {
        throw new IllegalArgumentException(String.format(
            "event id '%s' contains U+%04X at index %d; only printable ASCII without whitespace"
                + " is allowed", id, (int) c, i));
      }
    }
    return id;
  }

  /**
   * Checks the fields every event has, stored ({@link Event}), to append ({@link NewEvent}) or on
   * a bus ({@code BusEvent}): a valid id and type, and a timestamp, metadata and data.
   *
   * @param id the event id ({@link #checkEventId(String)})
   * @param type the event type ({@link #checkEventType(String)})
   * @param timestamp the timestamp
   * @param metadata the metadata
   * @param data the data
   * @throws IllegalArgumentException if the id or type is invalid
   * @throws NullPointerException if a field is null
   */
  public static void checkEvent(String id, String type, Instant timestamp, Metadata metadata,
      Payload data) {
    checkEventId(id);
    checkEventType(type);
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(data, "data");
  }

  private static String checkUtf8(String what, String value, int maxBytes) {
    Objects.requireNonNull(value, what);
    if (value.isEmpty()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    int bytes = utf8Length(what, value);
    if (bytes > maxBytes) {
      throw new IllegalArgumentException(what + " is " + bytes + " bytes long in UTF-8; at most "
          + maxBytes + " are allowed");
    }
    return value;
  }

  private static int utf8Length(String what, String value) {
    int bytes = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(String.format(
            "%s contains an unpaired surrogate U+%04X at index %d; it is not valid Unicode",
            what, (int) c, i));
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
