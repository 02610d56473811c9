package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

final class ExpectedVersionTest {

  @Test
  void any_matchesEveryVersion() {
    assertThat(ExpectedVersion.any().matches(0)).isTrue();
    assertThat(ExpectedVersion.any().matches(42)).isTrue();
    assertThat(ExpectedVersion.any()).hasToString("any");
  }

  @Test
  void noStream_matchesOnlyAnActorWithoutEvents() {
    assertThat(ExpectedVersion.noStream().matches(0)).isTrue();
    assertThat(ExpectedVersion.noStream().matches(1)).isFalse();
    assertThat(ExpectedVersion.noStream()).hasToString("no stream");
  }

  @Test
  void exactly_matchesOnlyThatVersion() {
    ExpectedVersion three = ExpectedVersion.exactly(3);

    assertThat(three.matches(3)).isTrue();
    assertThat(three.matches(2)).isFalse();
    assertThat(three.matches(4)).isFalse();
    assertThat(three).isEqualTo(ExpectedVersion.exactly(3)).hasToString("exactly 3");
  }

  @Test
  void exactlyZero_isNoStream() {
    assertThat(ExpectedVersion.exactly(0)).isSameAs(ExpectedVersion.noStream());
  }

  @Test
  void exactly_negativeVersion_isRejected() {
    assertThatThrownBy(() -> ExpectedVersion.exactly(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new ExpectedVersion.Exactly(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("noStream()");
  }

  @Test
  void versionConflict_carriesActorExpectedAndActualVersion() {
    VersionConflictException conflict =
        new VersionConflictException("order-1", ExpectedVersion.exactly(2), 5);

    assertThat(conflict.actorId()).isEqualTo("order-1");
    assertThat(conflict.expected()).isEqualTo(ExpectedVersion.exactly(2));
    assertThat(conflict.actualVersion()).isEqualTo(5);
    assertThat(conflict.isTransient()).isFalse();
    assertThat(conflict).hasMessage(
        "version conflict on actor 'order-1': expected exactly 2, actual version 5");
  }

  @Test
  void appendResult_nextExpectedVersion_isExactlyTheLastVersion() {
    AppendResult result = new AppendResult("order-1", 3, 5, 10, 12);

    assertThat(result.count()).isEqualTo(3);
    assertThat(result.nextExpectedVersion()).isEqualTo(ExpectedVersion.exactly(5));
    assertThatThrownBy(() -> new AppendResult("order-1", 0, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AppendResult("order-1", 2, 1, 1, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AppendResult("order-1", 1, 1, 2, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
