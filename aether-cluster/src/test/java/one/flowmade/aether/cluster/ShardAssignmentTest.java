package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ShardAssignmentTest {

  private static final List<ShardAssignment.Listed> MEMBERS = List.of(
      new ShardAssignment.Listed("a", "inc-a", 3), new ShardAssignment.Listed("b", "inc-b", 5),
      new ShardAssignment.Listed("c", "inc-c", 9));

  @Test
  void encodeThenDecode_givesTheSameAssignment() {
    ShardAssignment original = ShardAssignment.of(7, 42, "b", Instant.ofEpochMilli(1234),
        MEMBERS, Arrays.asList("a", "b", "b", null, "a", "a"));
    ShardAssignment copy = ShardAssignment.decode(original.encode());
    assertThat(copy.epoch()).isEqualTo(7);
    assertThat(copy.fencingToken()).isEqualTo(42);
    assertThat(copy.leaderId()).isEqualTo("b");
    assertThat(copy.createdAt()).isEqualTo(Instant.ofEpochMilli(1234));
    assertThat(copy.ownerIds()).isEqualTo(original.ownerIds());
    assertThat(copy.listed()).isEqualTo(MEMBERS);
  }

  @Test
  void accessors_describeTheAssignment() {
    ShardAssignment a = ShardAssignment.of(1, 1, "a", Instant.EPOCH, MEMBERS,
        Arrays.asList("a", "b", "b", null, "a", "a"));
    assertThat(a.owner(0)).contains("a");
    assertThat(a.owner(3)).isEmpty();
    assertThat(a.shardsOf("a")).containsExactly(0, 4, 5);
    assertThat(a.shardsOf("c")).isEmpty();
    assertThat(a.shardCounts()).containsExactly(java.util.Map.entry("a", 3),
        java.util.Map.entry("b", 2), java.util.Map.entry("c", 0));
    assertThat(a.unassignedCount()).isEqualTo(1);
    assertThat(a.nodes()).containsExactly("a", "b", "c");
    assertThat(a.stats().maxShards()).isEqualTo(3);
    ShardAssignment b = ShardAssignment.of(2, 1, "a", Instant.EPOCH, MEMBERS,
        Arrays.asList("a", "c", "b", "c", "a", "a"));
    assertThat(b.movesFrom(a)).isEqualTo(2);
    assertThatThrownBy(() -> a.owner(6)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_rejectsOwnersThatAreNotListed() {
    assertThatThrownBy(() -> ShardAssignment.of(1, 1, "a", Instant.EPOCH, MEMBERS,
        List.of("a", "z"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("z");
  }

  @Test
  void decode_rejectsGarbage() {
    assertThatThrownBy(() -> ShardAssignment.decode("{}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ShardAssignment.decode("nope".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
