package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class MetadataTest {

  @Test
  void namedAccessors_readTheirKeys() {
    Metadata metadata = Metadata.builder()
        .correlationId("corr").causationId("cause").userId("user")
        .traceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .traceState("vendor=1")
        .build();

    assertThat(metadata.correlationId()).contains("corr");
    assertThat(metadata.causationId()).contains("cause");
    assertThat(metadata.userId()).contains("user");
    assertThat(metadata.traceParent())
        .contains("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(metadata.traceState()).contains("vendor=1");
    assertThat(metadata.asMap()).containsOnlyKeys(Metadata.CORRELATION_ID, Metadata.CAUSATION_ID,
        Metadata.USER_ID, Metadata.TRACE_PARENT, Metadata.TRACE_STATE);
  }

  @Test
  void empty_hasNoEntries() {
    assertThat(Metadata.empty().isEmpty()).isTrue();
    assertThat(Metadata.empty().correlationId()).isEmpty();
    assertThat(Metadata.of(Map.of())).isSameAs(Metadata.empty());
    assertThat(Metadata.builder().build()).isSameAs(Metadata.empty());
  }

  @Test
  void of_copiesTheEntriesInInsertionOrder() {
    Map<String, String> source = new LinkedHashMap<>();
    source.put("zeta", "1");
    source.put("alpha", "2");
    Metadata metadata = Metadata.of(source);
    source.put("late", "3");

    assertThat(metadata.asMap()).containsExactly(Map.entry("zeta", "1"), Map.entry("alpha", "2"));
    assertThatThrownBy(() -> metadata.asMap().put("x", "y"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void with_returnsACopyAndLeavesTheOriginal() {
    Metadata original = Metadata.builder().userId("u1").build();

    Metadata changed = original.with(Metadata.USER_ID, "u2").with("tenant", "acme");

    assertThat(original.userId()).contains("u1");
    assertThat(changed.userId()).contains("u2");
    assertThat(changed.get("tenant")).contains("acme");
  }

  @Test
  void equals_comparesEntries() {
    assertThat(Metadata.builder().put("a", "1").put("b", "2").build())
        .isEqualTo(Metadata.builder().put("b", "2").put("a", "1").build())
        .hasSameHashCodeAs(Metadata.of(Map.of("a", "1", "b", "2")))
        .isNotEqualTo(Metadata.of(Map.of("a", "1")));
  }

  @Test
  void keyOfTheMaximumLength_isAccepted() {
    String key = "k".repeat(Metadata.MAX_KEY_LENGTH);

    assertThat(Metadata.builder().put(key, "v").build().get(key)).contains("v");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Upper", "with-dash", "with_underscore", "with.dot", "with space",
      "ünï", "abcdefghijklmnopqrstu"})
  void put_invalidKey_isRejectedNamingIt(String key) {
    assertThatThrownBy(() -> Metadata.builder().put(key, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("metadata key '" + key + "' is not valid");
  }

  @ParameterizedTest
  @ValueSource(strings = {"id", "source", "specversion", "type", "datacontenttype", "dataschema",
      "subject", "time", "data", "aetheractor", "aetherversion"})
  void put_reservedKey_isRejected(String key) {
    assertThatThrownBy(() -> Metadata.builder().put(key, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metadata key '" + key + "' is reserved");
  }

  @Test
  void put_valueWithAnyPrintableUnicode_isAccepted() {
    Metadata metadata = Metadata.builder().put("note", "ünï 🚀 \"quoted\" = ; , :").build();

    assertThat(metadata.get("note")).contains("ünï 🚀 \"quoted\" = ; , :");
  }

  @ParameterizedTest
  @ValueSource(strings = {"line\nbreak", "carriage\rreturn", "nul\u0000", "tab\t", "bad\uD800"})
  void put_valueWithControlCharacterOrUnpairedSurrogate_isRejected(String value) {
    assertThatThrownBy(() -> Metadata.builder().put("note", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("value of metadata key 'note'");
  }

  @Test
  void put_valueLongerThanTheMaximum_isRejected() {
    assertThat(Metadata.builder().put("note", "v".repeat(Metadata.MAX_VALUE_LENGTH)).build())
        .isNotNull();
    assertThatThrownBy(() -> Metadata.builder().put("note", "v".repeat(Metadata.MAX_VALUE_LENGTH
        + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + Metadata.MAX_VALUE_LENGTH);
  }

  @Test
  void put_nullKeyOrValue_throwsNullPointer() {
    assertThatThrownBy(() -> Metadata.builder().put(null, "v"))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Metadata.builder().put("note", null))
        .isInstanceOf(NullPointerException.class);
  }
}
