package one.flowmade.aether.cluster.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

final class RecentCommandIdsTest {

  @Test
  void keepsTheLastCapacityIds_andDropsTheOldestFirst() {
    RecentCommandIds ids = new RecentCommandIds(256);
    for (int i = 0; i < 1000; i++) {
      ids.add("cmd-" + i);
      assertThat(ids.contains("cmd-" + i)).as("just added %d", i).isTrue();
    }
    assertThat(ids.size()).isEqualTo(256);
    for (int i = 0; i < 1000; i++) {
      assertThat(ids.contains("cmd-" + i)).as("cmd-%d", i).isEqualTo(i >= 1000 - 256);
    }
    assertThat(ids.contains("cmd-1000")).isFalse();
  }

  @Test
  void loadedIds_areKept_andCountTowardsTheCapacity() {
    RecentCommandIds ids = RecentCommandIds.of(3, List.of("a", "b"));
    assertThat(ids.contains("a")).isTrue();
    assertThat(ids.contains("b")).isTrue();
    ids.add("c");
    ids.add("d");
    assertThat(ids.contains("a")).as("the oldest, dropped").isFalse();
    assertThat(ids.contains("b")).isTrue();
    assertThat(ids.contains("d")).isTrue();
  }

  @Test
  void idsThatDifferOnlyInWhatAHashOfFewBitsWouldMix_areDistinct() {
    RecentCommandIds ids = new RecentCommandIds(16);
    ids.add("Aa");
    assertThat(ids.contains("BB")).as("same String.hashCode, other id").isFalse();
    assertThat(ids.contains("")).isFalse();
    ids.add("");
    assertThat(ids.contains("")).isTrue();
  }

  @Test
  void capacityBelowOne_isRefused() {
    assertThatThrownBy(() -> new RecentCommandIds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
  }
}
