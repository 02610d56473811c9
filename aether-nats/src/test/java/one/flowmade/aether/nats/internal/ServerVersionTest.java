package one.flowmade.aether.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ServerVersionTest {

  @Test
  void parse_readsReleaseAndPreReleaseVersions() {
    assertThat(ServerVersion.parse("2.15.1")).isEqualTo(new ServerVersion(2, 15, 1, "2.15.1"));
    assertThat(ServerVersion.parse("v2.12.0-RC.3").minor()).isEqualTo(12);
    assertThat(ServerVersion.parse("2.10.27").patch()).isEqualTo(27);
  }

  @Test
  void parse_garbage_throwsIllegalArgument() {
    assertThatThrownBy(() -> ServerVersion.parse("two")).isInstanceOf(
        IllegalArgumentException.class);
    assertThatThrownBy(() -> ServerVersion.parse(null)).isInstanceOf(
        IllegalArgumentException.class);
  }

  @Test
  void isAtLeast_comparesNumerically() {
    assertThat(ServerVersion.parse("2.15.1").isAtLeast(ServerVersion.REQUIRED)).isTrue();
    assertThat(ServerVersion.parse("2.12.0").isAtLeast(ServerVersion.REQUIRED)).isTrue();
    assertThat(ServerVersion.parse("2.12.0-RC.1").isAtLeast(ServerVersion.REQUIRED)).isTrue();
    assertThat(ServerVersion.parse("2.11.9").isAtLeast(ServerVersion.REQUIRED)).isFalse();
    assertThat(ServerVersion.parse("2.10.27").isAtLeast(ServerVersion.REQUIRED)).isFalse();
    assertThat(ServerVersion.parse("2.9.10").isAtLeast(ServerVersion.REQUIRED)).isFalse();
    assertThat(ServerVersion.parse("3.0.0").isAtLeast(ServerVersion.REQUIRED)).isTrue();
  }
}
