package one.flowmade.aether.nats;

import io.nats.client.impl.Headers;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.internal.LazyEvents;
import org.jspecify.annotations.Nullable;

/**
 * The CloudEvents NATS binding in binary content mode, as every Aether implementation writes and
 * reads it: each attribute is one NATS header named {@code ce-<attribute>}, the message body is
 * the event's data. The JetStream store writes stored events this way and the NATS bus reads them
 * (and writes bus-only events the same way), so any NATS client or CloudEvents SDK can read both.
 *
 * <table>
 *   <caption>Header mapping</caption>
 *   <tr><th>header</th><th>value</th></tr>
 *   <tr><td>{@value #SPEC_VERSION}</td><td>{@value #SPEC_VERSION_1_0}</td></tr>
 *   <tr><td>{@value #ID}</td><td>the event id</td></tr>
 *   <tr><td>{@value #SOURCE}</td><td>{@code aether/<namespace>} ({@link #source(Namespace)})</td>
 *   </tr>
 *   <tr><td>{@value #TYPE}</td><td>the event type</td></tr>
 *   <tr><td>{@value #SUBJECT}</td><td>the actor id</td></tr>
 *   <tr><td>{@value #TIME}</td><td>the timestamp, RFC 3339 in UTC ({@link Instant#toString()})
 *   </td></tr>
 *   <tr><td>{@value #DATA_CONTENT_TYPE}</td><td>the data's content type</td></tr>
 *   <tr><td>{@value #ACTOR_VERSION}</td><td>the actor's version after the event, in decimal;
 *   absent when the event has none (a bus-only event may have none)</td></tr>
 *   <tr><td>{@code ce-<key>}</td><td>one per metadata entry (keys are CloudEvents extension
 *   names, see {@link Metadata})</td></tr>
 * </table>
 *
 * <p>As the CloudEvents NATS protocol binding (binary content mode, section 3.1) says, {@code
 * datacontenttype} travels in its own {@code ce-} header (a {@code Content-Type} of {@code
 * application/cloudevents} marks structured mode, so none is written), and header values are
 * percent-encoded (section 3.1.3.2): space, {@code '"'}, {@code '%'} and every character outside
 * printable ASCII are written as {@code %XX} per UTF-8 byte, upper-case hex, because NATS header
 * values may only hold printable ASCII. {@code Order Shipped/v2} is therefore carried as {@code
 * Order%20Shipped/v2}, which is the spec's form, not an Aether quirk: a binding-conformant reader
 * decodes it back. Actor ids, types and metadata values may be any Unicode text. When reading, a
 * value in double quotes (an RFC 7230 quoted-string with backslash escapes, which older writers of
 * the binding produce) is unquoted first, then percent-decoded once; lower-case hex is accepted and
 * byte sequences that are not valid UTF-8 (such as the overlong {@code %C0%A0}) are rejected.
 *
 * <p>Header names are written in lower case and read case-insensitively. A missing required
 * attribute or a malformed value is an {@link IllegalArgumentException} naming the header. Headers
 * that do not start with {@value #PREFIX} (such as {@code Nats-Msg-Id} or {@code Content-Type}) are
 * ignored, and so are extension attributes of other producers whose names are not valid metadata
 * keys ({@link Metadata#checkKey(String)}), exactly as the JetStream store reads them.
 *
 * <p>Stateless and thread-safe.
 */
public final class CloudEventHeaders {

  /** The prefix of every CloudEvents attribute header. */
  public static final String PREFIX = "ce-";
  /** The CloudEvents spec version header. */
  public static final String SPEC_VERSION = "ce-specversion";
  /** The event id header. */
  public static final String ID = "ce-id";
  /** The event source header. */
  public static final String SOURCE = "ce-source";
  /** The event type header. */
  public static final String TYPE = "ce-type";
  /** The subject header: the actor id. */
  public static final String SUBJECT = "ce-subject";
  /** The event time header. */
  public static final String TIME = "ce-time";
  /** The content type header of the data (the message body). */
  public static final String DATA_CONTENT_TYPE = "ce-datacontenttype";
  /** The Aether extension header carrying the actor's version after the event. */
  public static final String ACTOR_VERSION = "ce-aetherversion";
  /** The spec version written, and the major version accepted when reading. */
  public static final String SPEC_VERSION_1_0 = "1.0";

  /** CloudEvents attributes Aether does not model; they are accepted and ignored when read. */
  private static final String LEGACY_CONTENT_TYPE = "Content-Type";
  private static final Set<String> IGNORED_HEADERS = Set.of("ce-dataschema", "ce-aetheractor");
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private CloudEventHeaders() {}

  /**
   * Returns the CloudEvents source of a namespace's events.
   *
   * @param namespace the namespace
   * @return {@code aether/<namespace>}
   */
  public static String source(Namespace namespace) {
    return "aether/" + Objects.requireNonNull(namespace, "namespace").name();
  }

  /**
   * Writes the headers of a stored event (everything but its position, which the stream
   * assigns).
   *
   * @param namespace the event's namespace
   * @param event the event
   * @param header receives each header name and its encoded value, for example {@code
   *     io.nats.client.impl.Headers::add}
   */
  public static void encode(Namespace namespace, Event event, BiConsumer<String, String> header) {
    Objects.requireNonNull(event, "event");
    encode(namespace, event.id(), event.type(), event.actorId(), event.version(),
        event.timestamp(), event.metadata(), event.data().contentType(), header);
  }

  /**
   * Writes the headers of an event.
   *
   * @param namespace the event's namespace
   * @param id the event id
   * @param type the event type
   * @param actorId the actor id
   * @param version the actor's version after the event, or 0 to write no {@value #ACTOR_VERSION}
   * @param timestamp when the event happened
   * @param metadata the metadata, one {@code ce-<key>} header per entry
   * @param contentType the content type of the data
   * @param header receives each header name and its encoded value
   * @throws IllegalArgumentException if the id, type or actor id is invalid or the version is
   *     negative
   * @throws NullPointerException if an argument is null
   */
  public static void encode(Namespace namespace, String id, String type, String actorId,
      long version, Instant timestamp, Metadata metadata, String contentType,
      BiConsumer<String, String> header) {
    Objects.requireNonNull(header, "header");
    Limits.checkEventId(id);
    Limits.checkEventType(type);
    Limits.checkActorId(actorId);
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(contentType, "contentType");
    if (version < 0) {
      throw new IllegalArgumentException("version must not be negative, was " + version);
    }
    header.accept(SPEC_VERSION, SPEC_VERSION_1_0);
    header.accept(ID, encodeValue(id));
    header.accept(SOURCE, encodeValue(source(namespace)));
    header.accept(TYPE, encodeValue(type));
    header.accept(SUBJECT, encodeValue(actorId));
    header.accept(TIME, DateTimeFormatter.ISO_INSTANT.format(timestamp));
    header.accept(DATA_CONTENT_TYPE, encodeValue(contentType));
    if (version > 0) {
      header.accept(ACTOR_VERSION, Long.toString(version));
    }
    for (var entry : metadata.asMap().entrySet()) {
      header.accept(PREFIX + entry.getKey(), encodeValue(entry.getValue()));
    }
  }

  /**
   * Reads the attributes of an event from its headers.
   *
   * @param names the names of all headers of the message
   * @param firstValue returns the first value of a header name from {@code names}, or null, for
   *     example {@code io.nats.client.impl.Headers::getFirst}
   * @return the decoded attributes
   * @throws IllegalArgumentException if a required header is missing, a value is malformed, the
   *     spec version is not 1.x, or an extension header is not a valid metadata key; the message
   *     names the header
   */
  public static Attributes decode(Iterable<String> names, Function<String, String> firstValue) {
    Objects.requireNonNull(names, "names");
    Objects.requireNonNull(firstValue, "firstValue");
    RawAttributes raw = new RawAttributes();
    for (String name : names) {
      // Most headers a reader gets are not attributes (Nats-* of the server, Nats-Msg-Id):
      // test before looking the value up.
      if (isAttribute(name)) {
        raw.put(name, firstValue.apply(name));
      }
    }
    checkSpecVersion(raw.specVersion);
    return new Attributes(
        checked(ID, decodeValue(ID, required(ID, raw.id)), Limits::checkEventId),
        decodeValue(SOURCE, required(SOURCE, raw.source)),
        checked(TYPE, decodeValue(TYPE, required(TYPE, raw.type)), Limits::checkEventType),
        checked(SUBJECT, decodeValue(SUBJECT, required(SUBJECT, raw.subject)),
            Limits::checkActorId),
        parseTime(raw.time),
        raw.contentType == null ? Payload.OCTET_STREAM
            : decodeValue(DATA_CONTENT_TYPE, raw.contentType),
        parseVersion(raw.version),
        metadata(raw.metadata, raw.metadataCount));
  }

  /**
   * Reads a stored event from its message, in one pass over the headers and without copying the
   * body: the id, type, actor id ({@value #SUBJECT}), version ({@value #ACTOR_VERSION}, required
   * here) and content type are decoded and checked now, the timestamp and the metadata when the
   * caller first asks for them ({@link Event#timestamp()}, {@link Event#metadata()}), which then
   * throw a {@link DecodingException} naming the position and the header if that value is
   * malformed. When {@value #DATA_CONTENT_TYPE} is absent, a {@code Content-Type} header gives
   * the content type (messages of earlier Aether versions carry it), else it is {@link
   * Payload#OCTET_STREAM}. Headers other than {@code ce-} attributes and {@code Content-Type}
   * are not looked at.
   *
   * @param headers the message's headers, read now and not kept
   * @param data the message body, which the event's {@link Payload} takes over without copying:
   *     the caller must not change it afterwards
   * @param position the event's position (the stream sequence)
   * @return the event, its timestamp and metadata decoded when first read
   * @throws IllegalArgumentException if a required header is missing or malformed (the message
   *     names the header), the spec version is not 1.x or the position is below 1
   */
  public static Event decodeStored(Headers headers, byte[] data, long position) {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(data, "data");
    RawAttributes raw = new RawAttributes();
    String legacyContentType = null;
    for (Map.Entry<String, List<String>> header : headers.entrySet()) {
      String name = header.getKey();
      List<String> values = header.getValue();
      if (values.isEmpty()) {
        continue;
      }
      if (isAttribute(name)) {
        raw.put(name, values.get(0));
      } else if (name.equalsIgnoreCase(LEGACY_CONTENT_TYPE)) {
        legacyContentType = values.get(0);
      }
    }
    checkSpecVersion(raw.specVersion);
    required(SOURCE, raw.source);
    long version = parseVersion(raw.version);
    if (version < 1) {
      throw missing(ACTOR_VERSION);
    }
    String contentType = raw.contentType != null
        ? decodeValue(DATA_CONTENT_TYPE, raw.contentType)
        : legacyContentType != null ? decodeValue(LEGACY_CONTENT_TYPE, legacyContentType)
        : Payload.OCTET_STREAM;
    return LazyEvents.event(
        checked(ID, decodeValue(ID, required(ID, raw.id)), Limits::checkEventId),
        checked(TYPE, decodeValue(TYPE, required(TYPE, raw.type)), Limits::checkEventType),
        checked(SUBJECT, decodeValue(SUBJECT, required(SUBJECT, raw.subject)),
            Limits::checkActorId),
        version, position,
        LazyEvents.wrap(data, contentType),
        new LazyAttributes(position, required(TIME, raw.time), raw.metadata, raw.metadataCount));
  }

  private static boolean isAttribute(String name) {
    return name.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
  }

  /** The undecoded attribute values of one message, collected in one pass over its headers. */
  private static final class RawAttributes {
    @Nullable String specVersion;
    @Nullable String id;
    @Nullable String source;
    @Nullable String type;
    @Nullable String subject;
    @Nullable String time;
    @Nullable String contentType;
    @Nullable String version;
    /** Extension headers: lower-case name, value, name, value … */
    String @Nullable [] metadata;
    int metadataCount;

    /** Takes one {@code ce-} header; a null value is ignored. */
    void put(String name, @Nullable String value) {
      if (value == null) {
        return;
      }
      // The attributes are usually lower case already: test before converting.
      String lower = isLowerCase(name) ? name : name.toLowerCase(Locale.ROOT);
      switch (lower) {
        case SPEC_VERSION -> specVersion = value;
        case ID -> id = value;
        case SOURCE -> source = value;
        case TYPE -> type = value;
        case SUBJECT -> subject = value;
        case TIME -> time = value;
        case DATA_CONTENT_TYPE -> contentType = value;
        case ACTOR_VERSION -> version = value;
        default -> {
          if (metadata == null) {
            metadata = new String[4];
          } else if (metadataCount == metadata.length) {
            metadata = Arrays.copyOf(metadata, metadataCount * 2);
          }
          metadata[metadataCount++] = lower;
          metadata[metadataCount++] = value;
        }
      }
    }
  }

  /**
   * Decodes extension headers into metadata, skipping the ignored attributes and names that are
   * not metadata keys.
   */
  private static Metadata metadata(String @Nullable [] pairs, int count) {
    if (pairs == null) {
      return Metadata.empty(); // no extension header: count is 0
    }
    Metadata.Builder builder = null;
    for (int i = 0; i < count; i += 2) {
      String lower = pairs[i];
      String key = lower.substring(PREFIX.length());
      if (IGNORED_HEADERS.contains(lower) || !isMetadataKey(key)) {
        continue;
      }
      if (builder == null) {
        builder = Metadata.builder();
      }
      try {
        builder.put(key, decodeValue(lower, pairs[i + 1]));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "header '" + lower + "' is not valid metadata: " + e.getMessage(), e);
      }
    }
    return builder == null ? Metadata.empty() : builder.build();
  }

  /** The timestamp and metadata of a stored event, decoded when first read. Immutable. */
  private static final class LazyAttributes implements LazyEvents.Source {
    private final long position;
    private final String time;
    private final String @Nullable [] metadata;
    private final int metadataCount;

    LazyAttributes(long position, String time, String @Nullable [] metadata, int metadataCount) {
      this.position = position;
      this.time = time;
      this.metadata = metadata;
      this.metadataCount = metadataCount;
    }

    @Override
    public Instant timestamp() {
      try {
        return parseTime(time);
      } catch (IllegalArgumentException e) {
        throw undecodable(e);
      }
    }

    @Override
    public Metadata metadata() {
      try {
        return CloudEventHeaders.metadata(metadata, metadataCount);
      } catch (IllegalArgumentException e) {
        throw undecodable(e);
      }
    }

    private DecodingException undecodable(IllegalArgumentException e) {
      return new DecodingException("stored event at position " + position
          + " cannot be decoded: " + e.getMessage(), e);
    }
  }

  /**
   * Percent-encodes a header value: space, {@code '"'}, {@code '%'} and everything outside
   * printable ASCII become {@code %XX} per UTF-8 byte.
   *
   * @param value any well-formed Unicode text
   * @return the encoded value, printable ASCII only
   * @throws IllegalArgumentException if the value contains an unpaired surrogate
   */
  public static String encodeValue(String value) {
    Objects.requireNonNull(value, "value");
    int i = 0;
    while (i < value.length() && isPlain(value.charAt(i))) {
      i++;
    }
    if (i == value.length()) {
      return value;
    }
    byte[] utf8;
    try {
      ByteBuffer buffer = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(value));
      utf8 = new byte[buffer.remaining()];
      buffer.get(utf8);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("'" + value + "' is not well-formed Unicode", e);
    }
    StringBuilder out = new StringBuilder(utf8.length + 16);
    for (byte b : utf8) {
      int c = b & 0xFF;
      if (isPlain(c)) {
        out.append((char) c);
      } else {
        out.append('%').append(HEX[c >>> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /**
   * Decodes a header value: a double-quoted value (RFC 7230 quoted-string) is unquoted first,
   * then one round of percent-decoding is done.
   *
   * @param header the header's name, for error messages
   * @param value the encoded value
   * @return the decoded text
   * @throws IllegalArgumentException if an escape is malformed or the bytes are not UTF-8
   */
  public static String decodeValue(String header, String value) {
    Objects.requireNonNull(value, "value");
    if (value.length() >= 2 && value.charAt(0) == '"'
        && value.charAt(value.length() - 1) == '"') {
      value = unquote(header, value);
    }
    int escape = value.indexOf('%');
    if (escape < 0) {
      return value;
    }
    StringBuilder out = new StringBuilder(value.length());
    out.append(value, 0, escape);
    byte[] run = new byte[value.length() / 3];
    int i = escape;
    while (i < value.length()) {
      char c = value.charAt(i);
      if (c != '%') {
        out.append(c);
        i++;
        continue;
      }
      int n = 0;
      while (i < value.length() && value.charAt(i) == '%') {
        if (i + 2 >= value.length()) {
          throw new IllegalArgumentException(
              "header '" + header + "' ends inside a percent escape: '" + value + "'");
        }
        run[n++] = (byte) (hex(header, value, i + 1) << 4 | hex(header, value, i + 2));
        i += 3;
      }
      try {
        out.append(StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(run, 0, n)));
      } catch (CharacterCodingException e) {
        throw new IllegalArgumentException(
            "header '" + header + "' does not decode to UTF-8: '" + value + "'", e);
      }
    }
    return out.toString();
  }

  /**
   * Unquotes an RFC 7230 quoted-string: the surrounding quotes go, a backslash escapes the next
   * character.
   */
  private static String unquote(String header, String quoted) {
    StringBuilder out = new StringBuilder(quoted.length() - 2);
    int end = quoted.length() - 1;
    for (int i = 1; i < end; i++) {
      char c = quoted.charAt(i);
      if (c == '\\') {
        if (i + 1 >= end) {
          throw new IllegalArgumentException(
              "header '" + header + "' ends inside a quoted-string escape: " + quoted);
        }
        c = quoted.charAt(++i);
      } else if (c == '"') {
        throw new IllegalArgumentException(
            "header '" + header + "' has an unescaped '\"' inside a quoted-string: " + quoted);
      }
      out.append(c);
    }
    return out.toString();
  }

  private static boolean isLowerCase(String name) {
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if ((c >= 'A' && c <= 'Z') || c > '~') {
        return false;
      }
    }
    return true;
  }

  private static boolean isMetadataKey(String key) {
    return Metadata.isValidKey(key);
  }

  private static final int[] NANOS_SCALE = {0, 100_000_000, 10_000_000, 1_000_000, 100_000,
      10_000, 1_000, 100, 10, 1};

  /**
   * Parses an RFC 3339 timestamp such as {@code 2025-01-31T12:34:56.123456789Z}. The form every Aether writer
   * produces, {@link Instant#toString()} of a year from 0000 to 9999 ({@code
   * yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}), is parsed by hand, about ten times faster than {@link
   * DateTimeFormatter}; every other form (an offset, a lower-case {@code t} or {@code z}) goes
   * through {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}.
   *
   * @param text the timestamp
   * @return the instant
   * @throws DateTimeParseException if it is not an RFC 3339 timestamp
   */
  public static Instant parseTimestamp(String text) {
    Objects.requireNonNull(text, "text");
    int n = text.length();
    if (n >= 20 && n <= 30 && text.charAt(n - 1) == 'Z' && text.charAt(4) == '-'
        && text.charAt(7) == '-' && text.charAt(10) == 'T' && text.charAt(13) == ':'
        && text.charAt(16) == ':') {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int day = digits(text, 8, 2);
      int hour = digits(text, 11, 2);
      int minute = digits(text, 14, 2);
      int second = digits(text, 17, 2);
      int fraction = n - 1 - 20;
      int nanos = 0;
      boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31
          && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0
          && second <= 59;
      if (ok && n > 20) {
        int f = fraction >= 1 && text.charAt(19) == '.'
            ? digits(text, 20, fraction) : -1;
        ok = f >= 0;
        nanos = ok ? f * NANOS_SCALE[fraction] : 0;
      }
      if (ok && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
      }
    }
    return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
  }

  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static boolean isPlain(int c) {
    return c > ' ' && c <= '~' && c != '"' && c != '%';
  }

  private static int hex(String header, String value, int i) {
    char c = value.charAt(i);
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    throw new IllegalArgumentException("header '" + header + "' has an invalid percent escape at"
        + " index " + (i - 1) + ": '" + value + "'");
  }

  private static void checkSpecVersion(@Nullable String specVersion) {
    if (specVersion == null) {
      throw missing(SPEC_VERSION);
    }
    if (!specVersion.equals(SPEC_VERSION_1_0) && !specVersion.trim().startsWith("1.")) {
      throw new IllegalArgumentException(
          "header " + SPEC_VERSION + " is '" + specVersion + "'; only CloudEvents 1.x is supported");
    }
  }

  private static String required(String header, @Nullable String value) {
    if (value == null) {
      throw missing(header);
    }
    return value;
  }

  private static IllegalArgumentException missing(String header) {
    return new IllegalArgumentException("required header " + header + " is missing");
  }

  private static String checked(String header, String value, Function<String, String> check) {
    try {
      return check.apply(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("header " + header + ": " + e.getMessage(), e);
    }
  }

  private static Instant parseTime(@Nullable String time) {
    if (time == null) {
      throw missing(TIME);
    }
    try {
      return parseTimestamp(time.trim());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "header " + TIME + " is not an RFC 3339 timestamp: '" + time + "'", e);
    }
  }

  private static long parseVersion(@Nullable String version) {
    if (version == null) {
      return 0;
    }
    try {
      long parsed = Long.parseLong(version.trim());
      if (parsed < 1) {
        throw new IllegalArgumentException(
            "header " + ACTOR_VERSION + " must be at least 1, was " + parsed);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "header " + ACTOR_VERSION + " is not a number: '" + version + "'", e);
    }
  }

  /**
   * The attributes of an event read from CloudEvents headers.
   *
   * @param id the event id
   * @param source the CloudEvents source
   * @param type the event type
   * @param actorId the actor id (the CloudEvents subject)
   * @param timestamp the event time
   * @param contentType the data's content type ({@link Payload#OCTET_STREAM} when the header is
   *     absent)
   * @param version the actor's version after the event, or 0 when the header is absent
   * @param metadata the metadata from the extension headers
   */
  public record Attributes(String id, String source, String type, String actorId,
      Instant timestamp, String contentType, long version, Metadata metadata) {

    /**
     * Returns the stored event these attributes describe.
     *
     * @param data the message body
     * @param position the event's position in its namespace (the stream sequence)
     * @return the event
     * @throws IllegalArgumentException if the version is absent or the position is below 1
     */
    public Event toEvent(byte[] data, long position) {
      if (version < 1) {
        throw missing(ACTOR_VERSION);
      }
      return new Event(id, type, actorId, version, timestamp, metadata,
          Payload.of(data, contentType), position);
    }
  }
}
