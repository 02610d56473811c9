package one.flowmade.aether;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The data of an event or a snapshot: bytes and their content type (JSON by default).
 *
 * <p>Immutable and thread-safe: the bytes are copied in and every accessor that exposes them
 * copies or wraps them read-only. Two payloads are equal when their content types and bytes are.
 */
public final class Payload {

  /** The content type of JSON payloads, the default. */
  public static final String JSON = "application/json";
  /** The content type used when none is known. */
  public static final String OCTET_STREAM = "application/octet-stream";

  private static final Payload EMPTY_JSON = new Payload(new byte[0], JSON);

  static {
    one.flowmade.aether.internal.LazyEvents.install(
        (bytes, contentType) -> new Payload(bytes, checkContentType(contentType)));
  }

  private final byte[] bytes;
  private final String contentType;

  private Payload(byte[] bytes, String contentType) {
    this.bytes = bytes;
    this.contentType = contentType;
  }

  /**
   * Returns a payload holding a copy of {@code bytes}.
   *
   * @param bytes the data
   * @param contentType its media type, such as {@value #JSON}
   * @return the payload
   * @throws IllegalArgumentException if the content type is empty or holds control characters
   * @throws NullPointerException if an argument is null
   */
  public static Payload of(byte[] bytes, String contentType) {
    Objects.requireNonNull(bytes, "bytes");
    return new Payload(bytes.clone(), checkContentType(contentType));
  }

  /**
   * Returns a JSON payload holding a copy of {@code json}.
   *
   * @param json UTF-8 encoded JSON
   * @return the payload
   * @throws NullPointerException if {@code json} is null
   */
  public static Payload json(byte[] json) {
    Objects.requireNonNull(json, "json");
    return new Payload(json.clone(), JSON);
  }

  /**
   * Returns a JSON payload of the given text, encoded as UTF-8.
   *
   * @param json JSON text
   * @return the payload
   * @throws NullPointerException if {@code json} is null
   */
  public static Payload json(String json) {
    Objects.requireNonNull(json, "json");
    return new Payload(json.getBytes(StandardCharsets.UTF_8), JSON);
  }

  /**
   * Returns an empty JSON payload.
   *
   * @return the empty payload
   */
  public static Payload empty() {
    return EMPTY_JSON;
  }

  /**
   * Returns the media type of the bytes.
   *
   * @return the content type, never null
   */
  public String contentType() {
    return contentType;
  }

  /**
   * Returns the number of bytes.
   *
   * @return the size in bytes
   */
  public int size() {
    return bytes.length;
  }

  /**
   * Returns a copy of the bytes.
   *
   * @return a new array holding the data
   */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /**
   * Returns a read-only view of the bytes, without copying them.
   *
   * @return a read-only buffer positioned at the first byte
   */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
  }

  /**
   * Decodes the bytes as UTF-8 text.
   *
   * @return the text
   */
  public String asUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String checkContentType(String contentType) {
    Objects.requireNonNull(contentType, "contentType");
    if (contentType.isBlank()) {
      throw new IllegalArgumentException("content type must not be blank");
    }
    for (int i = 0; i < contentType.length(); i++) {
      char c = contentType.charAt(i);
      if (c < ' ' || c > '~') {
        throw new IllegalArgumentException(String.format(
            "content type '%s' contains U+%04X at index %d; only printable ASCII is allowed",
            contentType, (int) c, i));
      }
    }
    return contentType;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Payload other
        && contentType.equals(other.contentType)
        && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * contentType.hashCode() + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return "Payload[" + contentType + ", " + bytes.length + " bytes]";
  }
}
