package one.flowmade.aether.verification.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import one.flowmade.aether.nats.TokenEncoding;

/**
 * {@link TokenEncoding} is injective and canonical: decoding inverts encoding for every
 * well-formed string, and every token that decodes is the encoding of what it decodes to, so no
 * two strings share a token and no forged token aliases a string.
 */
final class TokenEncodingPropertyTest {

  @Provide
  Arbitrary<String> identifiers() {
    return Identifiers.strings(40);
  }

  /** Pairs of strings that differ in ways an encoding could confuse. */
  @Provide
  Arbitrary<String[]> nearPairs() {
    Arbitrary<List<Integer>> base = Identifiers.codePoints().list().ofMaxSize(8);
    Arbitrary<String> twist = Arbitraries.of(".", "_", "-", "=", "=2E", "=5F", " ", "*", ">",
        "\u00fc", "u\u0308", "\ud83d\ude00", "A", "a", "");
    return Combinators.combine(base, twist, twist, Arbitraries.integers().between(0, 8))
        .as((codePoints, x, y, at) -> {
          String head = Identifiers.of(codePoints.subList(0, Math.min(at, codePoints.size())));
          String tail = Identifiers.of(
              codePoints.subList(Math.min(at, codePoints.size()), codePoints.size()));
          return new String[] {head + x + tail, head + y + tail};
        })
        .filter(pair -> !pair[0].isEmpty() && !pair[1].isEmpty());
  }

  /** Strings over the token alphabet, mostly well-formed escapes, some not. */
  @Provide
  Arbitrary<String> tokenLike() {
    Arbitrary<String> escape = Arbitraries.strings().withChars("0123456789ABCDEFabcdef")
        .ofLength(2).map(h -> "=" + h);
    Arbitrary<String> plain = Arbitraries.strings().withChars("aZ09-_=").ofMinLength(1)
        .ofMaxLength(3);
    return Arbitraries.oneOf(escape, plain).list().ofMinSize(1).ofMaxSize(8)
        .map(parts -> String.join("", parts));
  }

  @Property(tries = 2000)
  void decode_ofEncode_returnsTheOriginal(@ForAll("identifiers") String value) {
    assertThat(TokenEncoding.decode(TokenEncoding.encode(value))).isEqualTo(value);
  }

  @Property(tries = 2000)
  void encode_producesOneSafeToken(@ForAll("identifiers") String value) {
    assertThat(TokenEncoding.encode(value)).matches("[A-Za-z0-9_=-]+");
  }

  @Property(tries = 2000)
  void encode_ofDistinctStrings_differs(@ForAll("nearPairs") String[] pair) {
    Assume.that(!pair[0].equals(pair[1]));

    assertThat(TokenEncoding.encode(pair[0])).isNotEqualTo(TokenEncoding.encode(pair[1]));
  }

  @Property(tries = 1000)
  void encode_ofRandomDistinctStrings_differs(
      @ForAll("identifiers") String a, @ForAll("identifiers") String b) {
    Assume.that(!a.equals(b));

    assertThat(TokenEncoding.encode(a)).isNotEqualTo(TokenEncoding.encode(b));
  }

  @Property(tries = 2000)
  void decode_acceptsOnlyCanonicalTokens(@ForAll("tokenLike") String token) {
    String decoded;
    try {
      decoded = TokenEncoding.decode(token);
    } catch (IllegalArgumentException refused) {
      return;
    }
    assertThat(TokenEncoding.encode(decoded)).isEqualTo(token);
  }

  @Provide
  Arbitrary<Character> surrogates() {
    return Arbitraries.chars().range('\ud800', '\udfff');
  }

  @Property(tries = 500)
  void encode_loneSurrogate_isRejected(
      @ForAll("identifiers") String prefix,
      @ForAll("surrogates") char surrogate) {
    Assume.that(!(Character.isHighSurrogate(prefix.charAt(prefix.length() - 1))
        && Character.isLowSurrogate(surrogate)));

    assertThatThrownBy(() -> TokenEncoding.encode(prefix + surrogate))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not well-formed");
  }

  @Example
  void encode_lookalikes_differ() {
    assertThat(TokenEncoding.encode("\u00fc")).isNotEqualTo(TokenEncoding.encode("u\u0308"));
    assertThat(TokenEncoding.encode("a.b")).isNotEqualTo(TokenEncoding.encode("a_b"))
        .isNotEqualTo(TokenEncoding.encode("a=2Eb"));
    assertThat(TokenEncoding.encode("A")).isNotEqualTo(TokenEncoding.encode("a"));
  }
}
