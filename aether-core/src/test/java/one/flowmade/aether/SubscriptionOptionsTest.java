package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class SubscriptionOptionsTest {

  @Test
  void fromBeginning_isEphemeralFromPositionOneForAllTypes() {
    SubscriptionOptions options = SubscriptionOptions.fromBeginning();

    assertThat(options.from()).isEqualTo(Position.beginning());
    assertThat(options.durableName()).isEmpty();
    assertThat(options.eventTypes()).isEmpty();
    assertThat(options.accepts("Anything")).isTrue();
  }

  @Test
  void eventTypes_acceptOnlyThoseTypesExactly() {
    SubscriptionOptions options = SubscriptionOptions.builder().eventTypes("a.*", ">").build();

    assertThat(options.accepts("a.*")).isTrue();
    assertThat(options.accepts(">")).isTrue();
    assertThat(options.accepts("a.b")).isFalse();
    assertThat(options.accepts("x")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"p", "projector-1", "Read_Model"})
  void durable_validName_isKept(String name) {
    assertThat(SubscriptionOptions.builder().durable(name).build().durableName()).contains(name);
  }

  @Test
  void durable_nameOfTheMaximumLength_isKept() {
    String name = "x".repeat(64);

    assertThat(SubscriptionOptions.builder().durable(name).build().durableName()).contains(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a.b", "a b", "a*", ">", "ünï",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})
  void durable_invalidName_isRejected(String name) {
    assertThatThrownBy(() -> SubscriptionOptions.builder().durable(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("durable name");
  }

  @Test
  void durable_setTwice_throwsIllegalState() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().durable("a").durable("b"))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void eventTypes_invalidType_isRejected() {
    assertThatThrownBy(() -> SubscriptionOptions.builder().eventTypes(""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SubscriptionOptions.builder()
        .eventTypes(Set.of("t".repeat(Limits.MAX_EVENT_TYPE_BYTES + 1))))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
