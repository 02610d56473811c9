package one.flowmade.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import one.flowmade.aether.Limits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class TokenEncodingTest {

  /** What a single NATS subject token and a KV key token may safely hold. */
  private static final Pattern SAFE_TOKEN = Pattern.compile("[A-Za-z0-9_=-]+");

  private static final List<String> TRICKY = List.of(
      "a", "order-1", "Order_1", "order.1", "a.b", "a_b", "a-b", "a=2Eb", "a=2eb", "a=3D2Eb",
      "a b", "a=20b", "*", ">", "a.*.>", "=", "==", "=3D", "=3", "%2E", "\\", "/", "\t", "\n",
      "\u0000", "\u007F", "é", "e\u0301", "ünïcödé", "订单", "🚀", "🚀 launch", "👩‍👩‍👧",
      "\uFFFF", " ", "  ", ".", "..", "$JS", "_INBOX.x", "A", "aA");

  @ParameterizedTest
  @ValueSource(strings = {"a", "order-1", "Order_1", "ABC-xyz_09"})
  void encode_plainCharacters_standForThemselves(String value) {
    assertThat(TokenEncoding.encode(value)).isSameAs(value);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "order.1   | order=2E1",
      "\"a b\"   | a=20b",
      "=         | =3D",
      "*         | =2A",
      ">         | =3E",
      "é         | =C3=A9",
      "🚀        | =F0=9F=9A=80",
      "a=2Eb     | a=3D2Eb"})
  void encode_otherCharacters_becomeUpperCaseHexOfTheirUtf8Bytes(String value, String token) {
    assertThat(TokenEncoding.encode(value)).isEqualTo(token);
    assertThat(TokenEncoding.decode(token)).isEqualTo(value);
  }

  @Test
  void encode_everyTrickyValue_roundTripsAndIsASafeToken() {
    for (String value : TRICKY) {
      String token = TokenEncoding.encode(value);

      assertThat(token).as("token of %s", value).matches(SAFE_TOKEN);
      assertThat(TokenEncoding.decode(token)).as("decoded %s", token).isEqualTo(value);
    }
  }

  @Test
  void encode_distinctValues_giveDistinctTokens() {
    Map<String, String> seen = new HashMap<>();
    for (String value : TRICKY) {
      String previous = seen.put(TokenEncoding.encode(value), value);

      assertThat(previous).as("collision of %s", value).isNull();
    }
    for (int c = 0; c < 0x800; c++) {
      if (Character.isSurrogate((char) c)) {
        continue;
      }
      String value = "x" + (char) c;
      String previous = seen.put(TokenEncoding.encode(value), value);
      assertThat(previous).as("collision of U+%04X", c).isNull();
    }
  }

  @Test
  void encode_valuesOfTheMaximumLength_roundTripWithinThreeCharactersPerByte() {
    for (String value : List.of("a".repeat(Limits.MAX_ACTOR_ID_BYTES),
        ".".repeat(Limits.MAX_ACTOR_ID_BYTES), "🚀".repeat(Limits.MAX_ACTOR_ID_BYTES / 4),
        "é".repeat(Limits.MAX_ACTOR_ID_BYTES / 2))) {
      String token = TokenEncoding.encode(value);

      assertThat(token.length()).isLessThanOrEqualTo(3 * Limits.MAX_ACTOR_ID_BYTES);
      assertThat(TokenEncoding.decode(token)).isEqualTo(value);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uD800", "a\uDC00", "ok\uD83D"})
  void encode_unpairedSurrogate_isRejected(String value) {
    assertThatThrownBy(() -> TokenEncoding.encode(value))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void encode_emptyOrNull_isRejected() {
    assertThatThrownBy(() -> TokenEncoding.encode(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TokenEncoding.encode(null))
        .isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "",            // empty
      "a.b",         // a character that is never plain
      "a b",
      "=",           // ends inside an escape
      "=4",
      "a=2",
      "=2e",         // lower-case hex: a second spelling of "=2E"
      "=G0",
      "=41",         // an escaped plain character: a second spelling of "A"
      "=5F",
      "=C0=AE",      // over-long UTF-8 encoding of '.'
      "=E0=80=AE",   // over-long three-byte encoding of '.'
      "=C3",         // truncated sequence
      "=A9",         // continuation byte alone
      "=ED=A0=80",   // UTF-8 of a surrogate
      "=F4=90=80=80" // above U+10FFFF
  })
  void decode_anythingEncodeCannotProduce_isRejected(String token) {
    assertThatThrownBy(() -> TokenEncoding.decode(token))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
