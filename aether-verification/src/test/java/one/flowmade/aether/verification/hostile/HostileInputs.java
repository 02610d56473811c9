package one.flowmade.aether.verification.hostile;

import java.util.List;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;

/**
 * The corpus of adversarial identifiers: strings that mean something to NATS, to file systems, to
 * terminals or to Unicode, each either valid (and then stored and read back exactly, apart from
 * every other) or invalid (and then refused with a clear error before anything is stored).
 */
final class HostileInputs {

  private HostileInputs() {}

  /** Valid actor ids that an encoding could confuse with each other or with NATS syntax. */
  static final List<String> ACTOR_IDS = List.of(
      "a", "A", "a.b", "a_b", "a-b", "a=2Eb", "a=2eb", "a.", ".a", ".", "..", "a..b",
      "*", ">", "a.*", "a.>", "*.*", "$JS.API.STREAM.INFO.AETHER_x", "_INBOX.abc", "$SYS",
      " ", "  ", "a b", "\t", "\n", "\r\n", "\u0000", "\u001b[31m", "\u007f", "\u00a0", "\u200b",
      "\ufeff", "=", "==", "=3D", "%2E", "/", "\\", "a/b", "../../etc/passwd", "'", "\"", "`",
      "<script>", "{}", "\u00fc", "u\u0308", "\u0130", "i\u0307", "\u4e2d\u6587", "\u0645\u0631",
      "\ud83d\ude00", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", "\ud800\udc00",
      "\udbff\udfff", "\uffff", "\ufffd",
      "x".repeat(Limits.MAX_ACTOR_ID_BYTES),
      "\ud83d\ude00".repeat(Limits.MAX_ACTOR_ID_BYTES / 4),
      "\u00e9".repeat(Limits.MAX_ACTOR_ID_BYTES / 2));

  /** Valid event types that an encoding could confuse. */
  static final List<String> EVENT_TYPES = List.of(
      "t", "T", "t.v1", "t_v1", "t-v1", "t=2Ev1", "*", ">", ".", " ", "\t", "\u0000",
      "order.placed", "order placed", "\u00fc", "u\u0308", "\ud83d\ude00", "$JS", "=",
      "y".repeat(Limits.MAX_EVENT_TYPE_BYTES),
      "\ud83d\ude00".repeat(Limits.MAX_EVENT_TYPE_BYTES / 4));

  /** Actor ids that must be refused, with a word the error must contain. */
  static final List<Refused> INVALID_ACTOR_IDS = List.of(
      new Refused("", "empty"),
      new Refused("\ud800", "surrogate"),
      new Refused("a\udc00b", "surrogate"),
      new Refused("\ude00\ud83d", "surrogate"),
      new Refused("x".repeat(Limits.MAX_ACTOR_ID_BYTES + 1), "bytes"),
      new Refused("\ud83d\ude00".repeat(Limits.MAX_ACTOR_ID_BYTES / 4) + "x", "bytes"));

  /** Event types that must be refused. */
  static final List<Refused> INVALID_EVENT_TYPES = List.of(
      new Refused("", "empty"),
      new Refused("\udfff", "surrogate"),
      new Refused("y".repeat(Limits.MAX_EVENT_TYPE_BYTES + 1), "bytes"));

  /** Event ids that must be refused. */
  static final List<Refused> INVALID_EVENT_IDS = List.of(
      new Refused("", "empty"),
      new Refused(" ", "U+0020"),
      new Refused("a b", "U+0020"),
      new Refused("a\nb", "U+000A"),
      new Refused("\u0000", "U+0000"),
      new Refused("\u00fc", "U+00FC"),
      new Refused("a\u007f", "U+007F"),
      new Refused("e".repeat(Limits.MAX_EVENT_ID_LENGTH + 1), "at most"));

  /** Namespace names that must be refused. */
  static final List<Refused> INVALID_NAMESPACES = List.of(
      new Refused("", "empty"),
      new Refused(" ", "U+0020"),
      new Refused("a b", "U+0020"),
      new Refused("a.b", "'.'"),
      new Refused("a*", "'*'"),
      new Refused(">", "'>'"),
      new Refused("a.>", "'.'"),
      new Refused("A", "'A'"),
      new Refused("Orders", "'O'"),
      new Refused("a\tb", "U+0009"),
      new Refused("a\n", "U+000A"),
      new Refused("\u0000", "U+0000"),
      new Refused("\u00fc", "'\u00fc'"),
      new Refused("a/b", "'/'"),
      new Refused("a\\b", "'\\'"),
      new Refused("$SYS", "'$'"),
      new Refused("-a", "start"),
      new Refused("_a", "start"),
      new Refused("a=2Eb", "'='"),
      new Refused("\ud83d\ude00", "namespace name"),
      new Refused("n".repeat(Namespace.MAX_LENGTH + 1), "at most"));

  /**
   * A string that must be refused, and a fragment the error message must contain.
   *
   * @param value the string
   * @param because what the message must mention
   */
  record Refused(String value, String because) {
    @Override
    public String toString() {
      return printable(value);
    }
  }

  /** Shows a string with its control and non-ASCII characters escaped, for test names. */
  static String printable(String value) {
    StringBuilder out = new StringBuilder("\"");
    value.codePoints().limit(24).forEach(cp -> {
      if (cp >= 0x20 && cp < 0x7f) {
        out.appendCodePoint(cp);
      } else {
        out.append(String.format("\\u{%X}", cp));
      }
    });
    if (value.codePointCount(0, value.length()) > 24) {
      out.append("...(").append(value.length()).append(" chars)");
    }
    return out.append('"').toString();
  }
}
