package one.flowmade.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import org.junit.jupiter.api.Test;

final class CloudEventHeadersTest {

  private static final Namespace NS = Namespace.of("orders");
  private static final Instant TIME = Instant.parse("2026-11-27T10:15:30.123456789Z");

  private static Map<String, String> encode(Event event) {
    Map<String, String> headers = new LinkedHashMap<>();
    CloudEventHeaders.encode(NS, event, headers::put);
    return headers;
  }

  private static CloudEventHeaders.Attributes decode(Map<String, String> headers) {
    return CloudEventHeaders.decode(headers.keySet(), headers::get);
  }

  @Test
  void encode_writesTheCloudEventsAttributesAndOneHeaderPerMetadataEntry() {
    Event event = new Event("e-1", "OrderPlaced", "order-1", 3, TIME,
        Metadata.builder().correlationId("c-1").put("tenant", "acme").build(),
        Payload.json("{}"), 9);

    assertThat(encode(event)).containsExactly(
        Map.entry("ce-specversion", "1.0"),
        Map.entry("ce-id", "e-1"),
        Map.entry("ce-source", "aether/orders"),
        Map.entry("ce-type", "OrderPlaced"),
        Map.entry("ce-subject", "order-1"),
        Map.entry("ce-time", "2026-11-27T10:15:30.123456789Z"),
        Map.entry("ce-datacontenttype", "application/json"),
        Map.entry("ce-aetherversion", "3"),
        Map.entry("ce-correlationid", "c-1"),
        Map.entry("ce-tenant", "acme"));
  }

  @Test
  void roundTrip_keepsAnyUnicodeInActorTypeAndMetadata() {
    Event event = new Event("e-2", "Order placed.v1 \"100%\"", "ordér.1 *> ü😀\n", 1, TIME,
        Metadata.of(Map.of("note", "naïve \"quoted\" 50% ✓")),
        Payload.of(new byte[] {0, 1, 2}, "application/x-thing; charset=\"x\""), 1);

    Map<String, String> headers = encode(event);
    CloudEventHeaders.Attributes decoded = decode(headers);

    assertThat(headers.values()).allSatisfy(value ->
        assertThat(value.chars()).allMatch(c -> c > ' ' && c <= '~'));
    assertThat(decoded.toEvent(new byte[] {0, 1, 2}, 1)).isEqualTo(event);
  }

  @Test
  void decode_readsHeaderNamesCaseInsensitivelyAndIgnoresOtherHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("CE-SpecVersion", "1.0");
    headers.put("Ce-Id", "x");
    headers.put("ce-source", "elsewhere");
    headers.put("ce-type", "T");
    headers.put("ce-subject", "a");
    headers.put("ce-time", "2026-01-01T01:00:00+01:00");
    headers.put("Nats-Msg-Id", "x");

    CloudEventHeaders.Attributes decoded = decode(headers);

    assertThat(decoded.timestamp()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    assertThat(decoded.contentType()).isEqualTo(Payload.OCTET_STREAM);
    assertThat(decoded.version()).isZero();
    assertThat(decoded.metadata().isEmpty()).isTrue();
  }

  @Test
  void encode_withoutVersion_writesNoVersionHeader() {
    Map<String, String> headers = new LinkedHashMap<>();
    CloudEventHeaders.encode(NS, "e", "T", "a", 0, TIME, Metadata.empty(), "text/plain",
        headers::put);

    assertThat(headers).doesNotContainKey(CloudEventHeaders.ACTOR_VERSION);
    assertThat(decode(headers).version()).isZero();
  }

  @Test
  void decode_missingRequiredHeader_namesIt() {
    Map<String, String> headers = encode(new Event("e", "T", "a", 1, TIME, Metadata.empty(),
        Payload.empty(), 1));
    headers.remove("ce-subject");

    assertThatThrownBy(() -> decode(headers))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ce-subject");
  }

  @Test
  void decode_malformedValues_areRejectedWithTheHeaderName() {
    Map<String, String> base = encode(new Event("e", "T", "a", 1, TIME, Metadata.empty(),
        Payload.empty(), 1));

    Map<String, String> badTime = new LinkedHashMap<>(base);
    badTime.put("ce-time", "yesterday");
    Map<String, String> badEscape = new LinkedHashMap<>(base);
    badEscape.put("ce-subject", "a%G1");
    Map<String, String> badUtf8 = new LinkedHashMap<>(base);
    badUtf8.put("ce-type", "%C3");
    Map<String, String> badVersion = new LinkedHashMap<>(base);
    badVersion.put("ce-aetherversion", "-1");
    Map<String, String> badSpec = new LinkedHashMap<>(base);
    badSpec.put("ce-specversion", "0.3");

    assertThatThrownBy(() -> decode(badTime)).hasMessageContaining("ce-time");
    assertThatThrownBy(() -> decode(badEscape)).hasMessageContaining("ce-subject");
    assertThatThrownBy(() -> decode(badUtf8)).hasMessageContaining("ce-type");
    assertThatThrownBy(() -> decode(badVersion)).hasMessageContaining("ce-aetherversion");
    assertThatThrownBy(() -> decode(badSpec)).hasMessageContaining("ce-specversion");
  }

  @Test
  void decode_ignoresExtensionsThatAreNotMetadataKeys() {
    Map<String, String> headers = encode(new Event("e", "T", "a", 1, TIME, Metadata.empty(),
        Payload.empty(), 1));
    headers.put("ce-this_is_not_a_key", "v");
    headers.put("ce-dataschema", "https://example.com/schema");
    headers.put("ce-partitionkey", "p%201");

    assertThat(decode(headers).metadata().asMap()).containsExactly(Map.entry("partitionkey", "p 1"));
  }

  @Test
  void decode_followsTheBindingsValueRules_quotedStringsLowerCaseHexAndNoOverlongUtf8() {
    assertThat(CloudEventHeaders.encodeValue("Euro \u20AC \uD83D\uDE00"))
        .as("the binding's own example, 3.1.3.2").isEqualTo("Euro%20%E2%82%AC%20%F0%9F%98%80");
    assertThat(CloudEventHeaders.encodeValue("Order Shipped/v2")).isEqualTo("Order%20Shipped/v2");
    assertThat(CloudEventHeaders.decodeValue("ce-type", "\"Order Shipped/v2\""))
        .as("an older writer's quoted-string").isEqualTo("Order Shipped/v2");
    assertThat(CloudEventHeaders.decodeValue("ce-type", "\"a \\\"b\\\" %41\""))
        .as("backslash escapes, then one round of percent-decoding").isEqualTo("a \"b\" A");
    assertThat(CloudEventHeaders.decodeValue("ce-type", "%e2%82%ac")).isEqualTo("\u20AC");
    assertThat(CloudEventHeaders.decodeValue("ce-type", "%41bc")).isEqualTo("Abc");
    assertThatThrownBy(() -> CloudEventHeaders.decodeValue("ce-type", "%C0%A0"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ce-type");
    assertThatThrownBy(() -> CloudEventHeaders.decodeValue("ce-type", "\"a\"b\""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("quoted-string");
  }

  @Test
  void eventIdsWithPercentOrQuote_areEncodedAndDecoded() {
    Event event = new Event("id%\"x", "T", "a", 1, TIME, Metadata.empty(), Payload.empty(), 1);

    Map<String, String> headers = encode(event);

    assertThat(headers.get("ce-id")).isEqualTo("id%25%22x");
    assertThat(decode(headers).id()).isEqualTo("id%\"x");
  }

  @Test
  void encodeValue_escapesExactlySpaceQuotePercentAndNonPrintableAscii() {
    assertThat(CloudEventHeaders.encodeValue("a b\"c%d~!é\t"))
        .isEqualTo("a%20b%22c%25d~!%C3%A9%09");
    assertThat(CloudEventHeaders.decodeValue("h", "a%20b%22c%25d~!%c3%a9%09"))
        .isEqualTo("a b\"c%d~!é\t");
  }

  @Test
  void toEvent_withoutVersion_isRejected() {
    Map<String, String> headers = new LinkedHashMap<>();
    CloudEventHeaders.encode(NS, "e", "T", "a", 0, TIME, Metadata.empty(), "text/plain",
        headers::put);

    assertThatThrownBy(() -> decode(headers).toEvent(new byte[0], 1))
        .hasMessageContaining("ce-aetherversion");
  }
}
