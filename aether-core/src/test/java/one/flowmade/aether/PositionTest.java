package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

final class PositionTest {

  @Test
  void beginning_isPositionOne() {
    assertThat(Position.beginning()).isEqualTo(Position.at(1)).isEqualTo(new Position.At(1));
  }

  @Test
  void after_isTheNextPosition() {
    assertThat(Position.after(0)).isEqualTo(Position.beginning());
    assertThat(Position.after(41)).isEqualTo(Position.at(42));
  }

  @Test
  void invalidPositions_areRejected() {
    assertThatThrownBy(() -> Position.at(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Position.after(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }

  @Test
  void end_isDistinctFromEveryConcretePosition() {
    assertThat(Position.end()).isSameAs(Position.End.INSTANCE)
        .isNotEqualTo(Position.at(Long.MAX_VALUE));
  }

  @Test
  void readResult_copiesItsListsAndIsEmptyOnlyWithoutEventsAndUndecodables() {
    ReadResult empty = new ReadResult(List.of(), List.of(), Position.beginning());
    UndecodableEvent undecodable = new UndecodableEvent(3, "subject", Payload.empty(),
        new DecodingException("bad", null));
    ReadResult onlyUndecodable = new ReadResult(List.of(), List.of(undecodable), Position.after(3));

    assertThat(empty.isEmpty()).isTrue();
    assertThat(onlyUndecodable.isEmpty()).isFalse();
    assertThatThrownBy(() -> onlyUndecodable.undecodable().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new ReadResult(List.of(), List.of(), null))
        .isInstanceOf(NullPointerException.class);
  }
}
