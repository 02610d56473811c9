package one.flowmade.aether.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import org.junit.jupiter.api.Test;

final class JacksonEventCodecTest {

  record Opened(String owner, long limitCents, BigDecimal rate, Instant at) {}

  @EventType("money.deposited.v3")
  record Deposited(long amountCents, String currency, String note) {}

  record Untyped(Map<String, Object> values, List<Object> list) {}

  private final JacksonEventCodec codec = JacksonEventCodec.builder()
      .register(Opened.class)
      .register(Deposited.class)
      .register(Untyped.class)
      .upcaster(JsonUpcaster.of("money.deposited", "money.deposited.v2",
          json -> json.put("currency", "EUR")))
      .upcaster(JsonUpcaster.of("money.deposited.v2", "money.deposited.v3",
          json -> json.put("note", "upcast from v2")))
      .build();

  @Test
  void roundTrip_keepsDeclaredNumberAndTimeTypesExactly() {
    Opened opened = new Opened("ada", Long.MAX_VALUE, new BigDecimal("0.10000000000000000001"),
        Instant.parse("2026-11-27T10:15:30.123456789Z"));

    NewEvent event = codec.toNewEvent(opened);

    assertThat(event.type()).isEqualTo("Opened");
    assertThat(event.data().contentType()).isEqualTo(Payload.JSON);
    assertThat(codec.decode(event.type(), event.data())).isEqualTo(opened);
  }

  @Test
  void roundTrip_untypedNumbersKeepTheirMagnitudeAndPrecision() {
    Untyped untyped = new Untyped(
        Map.of("small", 7, "big", 12_345_678_901L, "fraction", new BigDecimal("1.10")),
        List.of(1, 2L << 40, new BigDecimal("3.14159265358979323846")));

    Untyped decoded = (Untyped) codec.decode("Untyped", codec.encode(untyped));

    assertThat(decoded.values().get("small")).isEqualTo(7);
    assertThat(decoded.values().get("big")).isEqualTo(12_345_678_901L);
    assertThat(decoded.values().get("fraction")).isEqualTo(new BigDecimal("1.10"));
    assertThat(decoded.list()).containsExactly(1, 2L << 40,
        new BigDecimal("3.14159265358979323846"));
  }

  @Test
  void typeName_comesFromAnnotationOrSimpleName() {
    assertThat(codec.typeOf(Deposited.class)).isEqualTo("money.deposited.v3");
    assertThat(codec.typeOf(Opened.class)).isEqualTo("Opened");
  }

  @Test
  void decode_oldTypeIsUpcastThroughTheWholeChain() {
    Object decoded = codec.decode("money.deposited", Payload.json("{\"amountCents\":250}"));

    assertThat(decoded).isEqualTo(new Deposited(250, "EUR", "upcast from v2"));
  }

  @Test
  void decode_middleOfChainIsUpcastFromThere() {
    Object decoded = codec.decode("money.deposited.v2",
        Payload.json("{\"amountCents\":1,\"currency\":\"USD\"}"));

    assertThat(decoded).isEqualTo(new Deposited(1, "USD", "upcast from v2"));
  }

  @Test
  void decode_unknownType_throwsUnknownEventTypeNamingIt() {
    assertThatThrownBy(() -> codec.decode("nope", Payload.json("{}")))
        .isInstanceOf(UnknownEventTypeException.class)
        .hasMessageContaining("'nope'");
  }

  @Test
  void decode_malformedJson_throwsDecodingNamingTypeAndClass() {
    assertThatThrownBy(() -> codec.decode("Opened", Payload.json("{not json")))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("'Opened'")
        .hasMessageContaining(Opened.class.getName());
  }

  @Test
  void decode_upcastedDataThatIsNotAnObject_throwsDecoding() {
    assertThatThrownBy(() -> codec.decode("money.deposited", Payload.json("[1,2]")))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining("not a JSON object");
  }

  @Test
  void encode_unregisteredClass_throwsNamingTheClass() {
    assertThatThrownBy(() -> codec.encode("a string"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("java.lang.String")
        .hasMessageContaining("not registered");
  }

  @Test
  void builder_rejectsDuplicateTypesClassesAndUpcasterCycles() {
    JacksonEventCodec.Builder builder = JacksonEventCodec.builder().register(Opened.class);

    assertThatThrownBy(() -> builder.register("Opened", Deposited.class))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'Opened'");
    assertThatThrownBy(() -> builder.register("Other", Opened.class))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already registered");

    builder.upcaster(JsonUpcaster.of("a", "b", json -> json));
    assertThatThrownBy(() -> builder.upcaster(JsonUpcaster.of("b", "a", json -> json)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("cycle");
    assertThatThrownBy(() -> builder.upcaster(JsonUpcaster.of("a", "c", json -> json)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("already set");
  }

  @Test
  void upcaster_mustChangeTheType() {
    assertThatThrownBy(() -> JsonUpcaster.of("x", "x", json -> json))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stateCodec_roundTripsAndReportsGarbage() {
    JacksonStateCodec<Opened> states = JacksonStateCodec.of(Opened.class);
    Opened state = new Opened("bo", 3, BigDecimal.ONE, Instant.EPOCH);

    assertThat(states.decode(states.encode(state))).isEqualTo(state);
    assertThatThrownBy(() -> states.decode(Payload.json("]")))
        .isInstanceOf(DecodingException.class)
        .hasMessageContaining(Opened.class.getName());
  }
}
