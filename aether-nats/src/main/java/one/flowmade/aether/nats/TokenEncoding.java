package one.flowmade.aether.nats;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The injective encoding of actor ids and event types into single NATS subject tokens and KV key
 * tokens, for implementations of Aether's APIs.
 *
 * <p>ASCII letters, digits, {@code '-'} and {@code '_'} stand for themselves; every other
 * character is written as {@code '='} followed by two upper-case hex digits per UTF-8 byte. So
 * {@code "order.1"} becomes {@code "order=2E1"}, {@code "a b"} becomes {@code "a=20b"} and
 * {@code "="} becomes {@code "=3D"}. The result contains no {@code '.'}, {@code '*'}, {@code '>'}
 * or whitespace, is valid in a subject token and in a KV key, and distinct inputs always give
 * distinct tokens; {@link #decode(String)} inverts {@link #encode(String)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class TokenEncoding {

  private static final char ESCAPE = '=';
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  private TokenEncoding() {}

  /**
   * Encodes a string as one token.
   *
   * @param value a non-empty, well-formed Unicode string
   * @return the token
   * @throws IllegalArgumentException if the value is empty or contains an unpaired surrogate
   */
  public static String encode(String value) {
    Objects.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("cannot encode an empty string as a token");
    }
    if (isPlain(value)) {
      return value;
    }
    byte[] utf8 = strictUtf8(value);
    StringBuilder out = new StringBuilder(utf8.length * 2);
    for (byte b : utf8) {
      int c = b & 0xFF;
      if (isPlain(c)) {
        out.append((char) c);
      } else {
        out.append(ESCAPE).append(HEX[c >>> 4]).append(HEX[c & 0xF]);
      }
    }
    return out.toString();
  }

  /**
   * Decodes a token made by {@link #encode(String)}.
   *
   * @param token the token
   * @return the original string
   * @throws IllegalArgumentException if the token was not made by {@link #encode(String)}
   */
  public static String decode(String token) {
    Objects.requireNonNull(token, "token");
    if (token.isEmpty()) {
      throw new IllegalArgumentException("empty token");
    }
    if (token.indexOf(ESCAPE) < 0) {
      if (!isPlain(token)) {
        throw new IllegalArgumentException("'" + token + "' is not an encoded token");
      }
      return token;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(token.length());
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c == ESCAPE) {
        if (i + 2 >= token.length()) {
          throw new IllegalArgumentException("'" + token + "' ends inside an escape");
        }
        int hi = hex(token, i + 1);
        int lo = hex(token, i + 2);
        int b = hi << 4 | lo;
        if (isPlain(b)) {
          throw new IllegalArgumentException("'" + token + "' escapes a plain character");
        }
        bytes.write(b);
        i += 2;
      } else if (isPlain(c)) {
        bytes.write(c);
      } else {
        throw new IllegalArgumentException("'" + token + "' is not an encoded token");
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("'" + token + "' does not decode to valid UTF-8", e);
    }
  }

  private static int hex(String token, int i) {
    char c = token.charAt(i);
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    throw new IllegalArgumentException("'" + token + "' has an invalid escape at index " + (i - 1));
  }

  private static boolean isPlain(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (!isPlain(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPlain(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
        || c == '-' || c == '_';
  }

  private static byte[] strictUtf8(String value) {
    try {
      ByteBuffer buffer = StandardCharsets.UTF_8.newEncoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .encode(CharBuffer.wrap(value));
      byte[] out = new byte[buffer.remaining()];
      buffer.get(out);
      return out;
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("'" + value + "' is not well-formed Unicode", e);
    }
  }
}
