package one.flowmade.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class NatsServerVersionTest {

  @Test
  void find_readsTheVersionOfNatsServerVersionOutput() {
    assertThat(NatsServerVersion.find("nats-server: v2.15.1"))
        .contains(new NatsServerVersion(2, 15, 1));
  }

  @Test
  void find_readsTheVersionOfAServerLogLine() {
    assertThat(NatsServerVersion.find("[1] 2026/01/01 00:00:00.000000 [INF]   Version:  2.12.0-RC.3"))
        .contains(new NatsServerVersion(2, 12, 0));
  }

  @Test
  void find_returnsEmptyForTextWithoutVersion() {
    assertThat(NatsServerVersion.find("command not found")).isEmpty();
  }

  @Test
  void parse_rejectsTextWithoutVersion() {
    assertThatThrownBy(() -> NatsServerVersion.parse("latest"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("latest");
  }

  @Test
  void isAtLeast_comparesMajorThenMinorThenPatch() {
    assertThat(NatsServerVersion.parse("2.10.27").isAtLeast(NatsServerVersion.REQUIRED)).isFalse();
    assertThat(NatsServerVersion.parse("2.12.0").isAtLeast(NatsServerVersion.REQUIRED)).isTrue();
    assertThat(NatsServerVersion.parse("2.15.1").isAtLeast(NatsServerVersion.REQUIRED)).isTrue();
    assertThat(NatsServerVersion.parse("3.0.0").isAtLeast(NatsServerVersion.REQUIRED)).isTrue();
    assertThat(NatsServerVersion.parse("2.9.99").isAtLeast(NatsServerVersion.parse("2.10.0")))
        .isFalse();
  }

  @Test
  void toString_isMajorMinorPatch() {
    assertThat(new NatsServerVersion(2, 12, 3)).hasToString("2.12.3");
  }

  @Test
  void constructor_rejectsNegativeParts() {
    assertThatThrownBy(() -> new NatsServerVersion(2, -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
