package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.nats.SubjectLayout;
import org.junit.jupiter.api.Test;

final class CloudEventMappingTest {

  private static final Namespace NS = Namespace.of("orders");

  private static final NewEvent EVENT = new NewEvent("id-1", "Order.Placed",
      Instant.parse("2024-02-29T23:59:59.123456789Z"),
      Metadata.builder().correlationId("corr 1").userId("ü 🚀").put("tenant", "a\"b%c").build(),
      Payload.of("héllo".getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8"));

  @Test
  void headers_areCloudEventsBinaryModeAttributes() {
    Headers h = CloudEventMapping.headers(NS, "order 1", 7, EVENT);

    assertThat(h.getFirst("ce-specversion")).isEqualTo("1.0");
    assertThat(h.getFirst("ce-id")).isEqualTo("id-1");
    assertThat(h.getFirst("ce-source")).isEqualTo("aether/orders");
    assertThat(h.getFirst("ce-type")).isEqualTo("Order.Placed");
    assertThat(h.getFirst("ce-subject")).isEqualTo("order%201");
    assertThat(h.getFirst("ce-time")).isEqualTo("2024-02-29T23:59:59.123456789Z");
    assertThat(h.getFirst("ce-datacontenttype")).isEqualTo("text/plain;%20charset=utf-8");
    assertThat(h.containsKeyIgnoreCase("Content-Type"))
        .as("binary mode carries datacontenttype in ce-datacontenttype only").isFalse();
    assertThat(h.getFirst("ce-aetherversion")).isEqualTo("7");
    assertThat(h.getFirst("ce-correlationid")).isEqualTo("corr%201");
    assertThat(h.getFirst("ce-userid")).isEqualTo("%C3%BC%20%F0%9F%9A%80");
    assertThat(h.getFirst("Nats-Msg-Id")).isEqualTo("id-1");
  }

  @Test
  void decode_invertsTheMapping() {
    Headers h = CloudEventMapping.headers(NS, "order 1", 7, EVENT);
    StoredMessage stored = new StoredMessage(
        SubjectLayout.eventSubject(NS, "order 1", EVENT.type()), 42, h,
        EVENT.data().toByteArray());

    Event event = CloudEventMapping.decode(NS, stored);

    assertThat(event).isEqualTo(Event.stored("order 1", 7, 42, EVENT));
    assertThat(event.metadata().asMap()).isEqualTo(EVENT.metadata().asMap());
  }

  @Test
  void decode_messagesOfTheEarlierFormatWithContentType_stillRead() {
    // Stores before this version also wrote Content-Type (encoded like ce-datacontenttype).
    Headers both = CloudEventMapping.headers(NS, "a", 1, EVENT);
    both.put("Content-Type", both.getFirst("ce-datacontenttype"));
    Headers onlyContentType = CloudEventMapping.headers(NS, "a", 1, EVENT);
    onlyContentType.put("Content-Type", onlyContentType.getFirst("ce-datacontenttype"));
    onlyContentType.remove("ce-datacontenttype");

    for (Headers h : java.util.List.of(both, onlyContentType)) {
      StoredMessage stored = new StoredMessage(
          SubjectLayout.eventSubject(NS, "a", EVENT.type()), 1, h, EVENT.data().toByteArray());
      assertThat(CloudEventMapping.decode(NS, stored)).isEqualTo(Event.stored("a", 1, 1, EVENT));
    }
  }

  @Test
  void decode_foreignExtensionsAreMetadataAndInvalidNamesAreSkipped() {
    Headers h = CloudEventMapping.headers(NS, "a", 1, NewEvent.of("T", Payload.empty()));
    h.put("ce-partitionkey", "p1");
    h.put("ce-Not_Valid", "x");
    h.put("ce-dataschema", "https://example.com/schema");
    StoredMessage stored = new StoredMessage(SubjectLayout.eventSubject(NS, "a", "T"), 1, h,
        new byte[0]);

    Event event = CloudEventMapping.decode(NS, stored);

    assertThat(event.metadata().asMap()).containsOnlyKeys("partitionkey");
  }

  @Test
  void decode_messagesThatAreNotAetherEvents_throwDecodingExceptionNamingThePosition() {
    String subject = SubjectLayout.eventSubject(NS, "a", "T");
    Headers good = CloudEventMapping.headers(NS, "a", 1, NewEvent.of("T", Payload.empty()));

    assertUndecodable(new StoredMessage(subject, 5, null, "garbage".getBytes(
        StandardCharsets.UTF_8)), "ce-specversion");
    assertUndecodable(new StoredMessage("aether.ev.other.a.T", 5, good, null), "namespace");
    assertUndecodable(new StoredMessage("foo.bar", 5, good, null), "subject");
    assertUndecodable(new StoredMessage(SubjectLayout.eventSubject(NS, "b", "T"), 5, good,
        null), "subject");
    assertUndecodable(withHeader(subject, good, "ce-aetherversion", "x"), "ce-aetherversion");
    assertUndecodable(withHeader(subject, good, "ce-aetherversion", "0"), "version");
    assertUndecodable(new StoredMessage(subject, 5, without(good, "ce-time"), null), "ce-time");
    assertUndecodable(withHeader(subject, good, "ce-id", "a%2"), "percent");
    Headers missing = new Headers(good);
    missing.remove("ce-aetherversion");
    assertUndecodable(new StoredMessage(subject, 5, missing, null), "ce-aetherversion");
  }

  @Test
  void decode_malformedTimeOrMetadata_throwsOnlyWhenThatFieldIsRead_namingPositionAndHeader() {
    String subject = SubjectLayout.eventSubject(NS, "a", "T");
    Headers h = CloudEventMapping.headers(NS, "a", 3, NewEvent.of("T", Payload.json("{}")));
    h.put("ce-time", "yesterday");
    h.put("ce-tenant", "bad%ZZ");

    Event event = CloudEventMapping.decode(NS, new StoredMessage(subject, 5, h,
        "{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(event.version()).isEqualTo(3);
    assertThat(event.actorId()).isEqualTo("a");
    assertThat(event.data().asUtf8()).isEqualTo("{}");
    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(event::timestamp).isInstanceOf(DecodingException.class)
          .hasMessageContaining("position 5").hasMessageContaining("ce-time")
          .hasMessageContaining("yesterday");
      assertThatThrownBy(event::metadata).isInstanceOf(DecodingException.class)
          .hasMessageContaining("position 5").hasMessageContaining("ce-tenant");
    }
    assertThat(event.toString()).contains("version=3", "<undecodable");
  }

  @Test
  void decode_lazyFields_equalTheEagerEventOnceRead() {
    Headers h = CloudEventMapping.headers(NS, "order 1", 7, EVENT);
    StoredMessage stored = new StoredMessage(
        SubjectLayout.eventSubject(NS, "order 1", EVENT.type()), 42, h,
        EVENT.data().toByteArray());
    Event expected = Event.stored("order 1", 7, 42, EVENT);

    Event lazy = CloudEventMapping.decode(NS, stored);

    assertThat(lazy.hashCode()).isEqualTo(expected.hashCode());
    assertThat(lazy.timestamp()).isEqualTo(EVENT.timestamp());
    assertThat(lazy.metadata()).isEqualTo(EVENT.metadata());
    assertThat(lazy).isEqualTo(expected);
  }

  private static Headers without(Headers base, String name) {
    Headers h = new Headers(base);
    h.remove(name);
    return h;
  }

  private static StoredMessage withHeader(String subject, Headers base, String name,
      String value) {
    Headers h = new Headers(base);
    h.put(name, value);
    return new StoredMessage(subject, 5, h, null);
  }

  private static void assertUndecodable(StoredMessage message, String fragment) {
    assertThatThrownBy(() -> CloudEventMapping.decode(NS, message))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("position 5")
        .hasMessageContaining(fragment);
  }
}
