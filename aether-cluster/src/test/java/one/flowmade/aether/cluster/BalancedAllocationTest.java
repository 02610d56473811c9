package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class BalancedAllocationTest {

  private static final int SHARDS = 1024;
  private final AllocationStrategy strategy = AllocationStrategy.balanced();

  @Test
  void everyMemberCount_isBalancedWithin5Percent() {
    for (int n = 1; n <= 51; n++) {
      List<String> owners = allocate(members(n), none());
      BalanceStats stats = BalanceStats.of(counts(owners, n).values());
      assertThat(stats.maxShards() - stats.minShards()).as("n=%d", n).isLessThanOrEqualTo(1);
      assertThat(stats.maxOverMean()).as("n=%d", n).isLessThanOrEqualTo(1.05);
      assertThat(owners).doesNotContainNull();
    }
  }

  @Test
  void aJoin_movesOnlyTheShardsTheNewMemberGets() {
    List<String> before = allocate(members(5), none());
    List<String> after = allocate(members(6), before);
    int moved = 0;
    for (int s = 0; s < SHARDS; s++) {
      if (!before.get(s).equals(after.get(s))) {
        assertThat(after.get(s)).isEqualTo("node-6");
        moved++;
      }
    }
    assertThat(moved).isEqualTo(Collections.frequency(after, "node-6")).isIn(170, 171);
  }

  @Test
  void aLeave_movesOnlyTheShardsOfTheMemberThatLeft() {
    List<String> before = allocate(members(6), none());
    List<Member> remaining = new ArrayList<>(members(6));
    remaining.removeIf(m -> m.nodeId().equals("node-3"));
    List<String> after = allocate(remaining, before);
    for (int s = 0; s < SHARDS; s++) {
      if (!before.get(s).equals("node-3")) {
        assertThat(after.get(s)).isEqualTo(before.get(s));
      }
    }
    assertThat(BalanceStats.of(countsOf(after, remaining).values()).maxOverMean())
        .isLessThanOrEqualTo(1.05);
  }

  @Test
  void anUnchangedMembership_movesNothing() {
    List<String> once = allocate(members(7), none());
    assertThat(allocate(members(7), once)).isEqualTo(once);
  }

  @Test
  void randomChurn_staysBalancedWithNearMinimalMoves() {
    Random random = new Random(42);
    List<Member> current = new ArrayList<>(members(5));
    List<String> owners = allocate(current, none());
    int next = 6;
    for (int step = 0; step < 40; step++) {
      List<String> before = owners;
      int lost = 0;
      if (current.size() > 1 && random.nextBoolean()) {
        Member gone = current.remove(random.nextInt(current.size()));
        lost = Collections.frequency(before, gone.nodeId());
      } else {
        current.add(member("node-" + next++));
      }
      owners = allocate(current, before);
      int moved = 0;
      for (int s = 0; s < SHARDS; s++) {
        if (!owners.get(s).equals(before.get(s))) {
          moved++;
        }
      }
      int n = current.size();
      assertThat(BalanceStats.of(countsOf(owners, current).values()).maxOverMean())
          .isLessThanOrEqualTo(1.0 + (double) n / SHARDS + 1e-9);
      // A leave moves exactly the lost shards; a join moves at most one fair share (plus one).
      assertThat(moved).isLessThanOrEqualTo(Math.max(lost, SHARDS / n + 1));
    }
  }

  @Test
  void noMembers_leavesEveryShardUnassigned() {
    assertThat(allocate(List.of(), none())).containsOnlyNulls().hasSize(SHARDS);
  }

  @Test
  void consistentHashing_assignsEveryShardToTheRingOwner() {
    List<Member> members = members(4);
    List<String> owners = AllocationStrategy.consistentHashing(64)
        .allocate(AllocationContext.of(SHARDS, members, none()));
    HashRing ring = HashRing.of(List.of("node-1", "node-2", "node-3", "node-4"), 64);
    for (int s = 0; s < SHARDS; s++) {
      assertThat(owners.get(s)).isEqualTo(ring.nodeForShard(s).orElseThrow());
    }
  }

  private List<String> allocate(List<Member> members, List<String> previous) {
    return strategy.allocate(AllocationContext.of(SHARDS, members, previous));
  }

  private static List<String> none() {
    return Arrays.asList(new String[SHARDS]);
  }

  private static List<Member> members(int n) {
    List<Member> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(member("node-" + i));
    }
    return list;
  }

  private static Member member(String id) {
    return new Member(id, Map.of(), Instant.EPOCH);
  }

  private static Map<String, Integer> counts(List<String> owners, int n) {
    return countsOf(owners, members(n));
  }

  private static Map<String, Integer> countsOf(List<String> owners, List<Member> members) {
    Map<String, Integer> counts = new HashMap<>();
    members.forEach(m -> counts.put(m.nodeId(), 0));
    owners.forEach(o -> counts.merge(o, 1, Integer::sum));
    return counts;
  }
}
