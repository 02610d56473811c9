package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import one.flowmade.aether.cluster.internal.allocation.Assignments;
import one.flowmade.aether.cluster.internal.allocation.ListedMember;
import org.junit.jupiter.api.Test;

final class ShardAssignmentTest {

  private static final List<ListedMember> MEMBERS = List.of(
      new ListedMember("a", "inc-a", 3), new ListedMember("b", "inc-b", 5),
      new ListedMember("c", "inc-c", 9));

  @Test
  void encodeThenDecode_givesTheSameAssignment() {
    ShardAssignment original = Assignments.of(7, 42, "b", Instant.ofEpochMilli(1234),
        MEMBERS, Arrays.asList("a", "b", "b", null, "a", "a"));
    ShardAssignment copy = Assignments.decode(Assignments.encode(original));
    assertThat(copy.epoch()).isEqualTo(7);
    assertThat(copy.fencingToken()).isEqualTo(42);
    assertThat(copy.leaderId()).isEqualTo("b");
    assertThat(copy.createdAt()).isEqualTo(Instant.ofEpochMilli(1234));
    assertThat(Assignments.ownerIds(copy)).isEqualTo(Assignments.ownerIds(original));
    assertThat(Assignments.listed(copy)).isEqualTo(MEMBERS);
  }

  @Test
  void accessors_describeTheAssignment() {
    ShardAssignment a = Assignments.of(1, 1, "a", Instant.EPOCH, MEMBERS,
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
    ShardAssignment b = Assignments.of(2, 1, "a", Instant.EPOCH, MEMBERS,
        Arrays.asList("a", "c", "b", "c", "a", "a"));
    assertThat(b.movesFrom(a)).isEqualTo(2);
    assertThatThrownBy(() -> a.owner(6)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_rejectsOwnersThatAreNotListed() {
    assertThatThrownBy(() -> Assignments.of(1, 1, "a", Instant.EPOCH, MEMBERS,
        List.of("a", "z"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("z");
  }

  @Test
  void decode_rejectsGarbage() {
    assertThatThrownBy(() -> Assignments.decode("{}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Assignments.decode("nope".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
