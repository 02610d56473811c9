package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class LimitsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "order.1", "a b", "*", ">", "=", "ünïcödé", "🚀", "\t", "a.*.>"})
  void checkActorIdAndEventType_anyNonEmptyUnicode_isAccepted(String value) {
    assertThat(Limits.checkActorId(value)).isSameAs(value);
    assertThat(Limits.checkEventType(value)).isSameAs(value);
  }

  @Test
  void checkActorId_countsUtf8BytesUpToTheMaximum() {
    assertThat(Limits.checkActorId("a".repeat(Limits.MAX_ACTOR_ID_BYTES))).isNotNull();
    assertThat(Limits.checkActorId("é".repeat(Limits.MAX_ACTOR_ID_BYTES / 2))).isNotNull();
    assertThat(Limits.checkActorId("€".repeat(Limits.MAX_ACTOR_ID_BYTES / 3))).isNotNull();
    assertThat(Limits.checkActorId("🚀".repeat(Limits.MAX_ACTOR_ID_BYTES / 4))).isNotNull();
  }

  @Test
  void checkActorId_overTheMaximum_isRejectedWithTheByteCount() {
    assertThatThrownBy(() -> Limits.checkActorId("a".repeat(Limits.MAX_ACTOR_ID_BYTES + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("actor id is 257 bytes long in UTF-8; at most 256 are allowed");
    assertThatThrownBy(() -> Limits.checkActorId("🚀".repeat(Limits.MAX_ACTOR_ID_BYTES / 4) + "a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("257 bytes");
    assertThatThrownBy(() -> Limits.checkActorId("é".repeat(Limits.MAX_ACTOR_ID_BYTES / 2 + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("258 bytes");
  }

  @Test
  void checkEventType_countsUtf8BytesUpToTheMaximum() {
    assertThat(Limits.checkEventType("t".repeat(Limits.MAX_EVENT_TYPE_BYTES))).isNotNull();
    assertThat(Limits.checkEventType("😀".repeat(Limits.MAX_EVENT_TYPE_BYTES / 4))).isNotNull();
    assertThatThrownBy(() -> Limits.checkEventType("t".repeat(Limits.MAX_EVENT_TYPE_BYTES + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("event type is 129 bytes long in UTF-8; at most 128 are allowed");
  }

  @Test
  void checkActorIdAndEventType_emptyOrNull_areRejected() {
    assertThatThrownBy(() -> Limits.checkActorId(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("actor id must not be empty");
    assertThatThrownBy(() -> Limits.checkEventType(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("event type must not be empty");
    assertThatThrownBy(() -> Limits.checkActorId(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Limits.checkEventType(null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uD800", "a\uDC00", "\uDC00\uD800", "ok\uD83D"})
  void checkActorId_unpairedSurrogate_isRejected(String value) {
    assertThatThrownBy(() -> Limits.checkActorId(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired surrogate");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"})
  void checkEventId_printableAscii_isAccepted(String id) {
    assertThat(Limits.checkEventId(id)).isSameAs(id);
  }

  @Test
  void checkEventId_ofTheMaximumLength_isAccepted() {
    assertThat(Limits.checkEventId("x".repeat(Limits.MAX_EVENT_ID_LENGTH))).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"a b", "a\tb", "é", "a\u007Fb", "🚀"})
  void checkEventId_whitespaceOrNonAscii_isRejectedNamingTheCharacter(String id) {
    assertThatThrownBy(() -> Limits.checkEventId(id))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only printable ASCII without whitespace");
  }

  @Test
  void checkEventId_emptyOrTooLong_isRejected() {
    assertThatThrownBy(() -> Limits.checkEventId(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("event id must not be empty");
    assertThatThrownBy(() -> Limits.checkEventId("x".repeat(Limits.MAX_EVENT_ID_LENGTH + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at most " + Limits.MAX_EVENT_ID_LENGTH);
  }

  @Test
  void maxEventsPerAppend_matchesJetStreamsAtomicBatchLimit() {
    assertThat(Limits.MAX_EVENTS_PER_APPEND).isEqualTo(1000);
  }
}
