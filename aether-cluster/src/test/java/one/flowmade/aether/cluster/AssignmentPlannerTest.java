package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.api.KeyValueOperation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import one.flowmade.aether.cluster.internal.allocation.AssignmentPlanner;
import one.flowmade.aether.cluster.internal.allocation.Assignments;
import one.flowmade.aether.cluster.internal.allocation.ListedMember;
import one.flowmade.aether.cluster.internal.membership.MemberRecord;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.junit.jupiter.api.Test;

final class AssignmentPlannerTest {

  private static final int SHARDS = 64;

  @Test
  void firstPlan_spreadsEveryShardOverTheLiveMembers() {
    AssignmentPlanner.Plan plan = plan(null, List.of(live("a", "a1", 5), live("b", "b1", 6),
        ended("c", 7, KeyValueOperation.PURGE)));
    assertThat(plan.listed()).extracting(ListedMember::nodeId).containsExactly("a", "b");
    assertThat(plan.owners()).containsOnly("a", "b");
    assertThat(Collections.frequency(plan.owners(), "a")).isEqualTo(32);
    assertThat(plan.unchanged()).isFalse();
  }

  @Test
  void anUnchangedMembership_isUnchanged() {
    ShardAssignment current = assignment(plan(null, List.of(live("a", "a1", 5),
        live("b", "b1", 6))));
    AssignmentPlanner.Plan again = plan(current, List.of(live("a", "a1", 50), live("b", "b1", 60)));
    assertThat(again.unchanged()).isTrue();
    assertThat(again.orphans()).isFalse();
  }

  @Test
  void aListingThatLags_keepsAMemberThatMayStillOwnShards() {
    ShardAssignment current = assignment(plan(null, List.of(live("a", "a1", 5),
        live("b", "b1", 60))));
    // The listing shows b older than the assignment listed it, or not at all yet.
    for (List<ClusterStore.Entry> lagging : List.of(
        List.of(live("a", "a1", 70), live("b", "b1", 40)),
        List.of(live("a", "a1", 70), ended("b", 30, KeyValueOperation.DELETE)))) {
      AssignmentPlanner.Plan plan = plan(current, lagging);
      assertThat(plan.listed()).extracting(ListedMember::nodeId).contains("b");
      assertThat(plan.listed()).filteredOn(l -> l.nodeId().equals("b"))
          .extracting(ListedMember::revision).containsExactly(60L);
      assertThat(plan.orphans()).isFalse();
    }
  }

  @Test
  void aMemberSeenToEnd_isDropped_andItsShardsAreOrphans() {
    ShardAssignment current = assignment(plan(null, List.of(live("a", "a1", 5),
        live("b", "b1", 6))));
    for (List<ClusterStore.Entry> listing : List.of(
        List.of(live("a", "a1", 70), ended("b", 71, KeyValueOperation.PURGE)),
        List.of(live("a", "a1", 70)))) {
      AssignmentPlanner.Plan plan = plan(current, listing);
      assertThat(plan.listed()).extracting(ListedMember::nodeId).containsExactly("a");
      assertThat(plan.orphans()).isTrue();
      assertThat(plan.owners()).containsOnly("a");
    }
  }

  @Test
  void aRestartedMember_losesTheShardsOfItsOldIncarnation() {
    ShardAssignment current = assignment(plan(null, List.of(live("a", "a1", 5),
        live("b", "b1", 6))));
    AssignmentPlanner.Plan plan = plan(current, List.of(live("a", "a1", 70),
        live("b", "b2", 71)));
    assertThat(plan.orphans()).isTrue();
    assertThat(plan.unchanged()).isFalse();
    assertThat(plan.listed()).filteredOn(l -> l.nodeId().equals("b"))
        .extracting(ListedMember::incarnation).containsExactly("b2");
  }

  @Test
  void anInvalidStrategyResult_isReplacedByTheBalancedOne() {
    AllocationStrategy broken = context -> {
      List<String> owners = new ArrayList<>(Collections.nCopies(context.shardCount(), "nobody"));
      return owners;
    };
    AssignmentPlanner.Plan plan = AssignmentPlanner.plan(SHARDS, null,
        List.of(live("a", "a1", 1)), id -> Optional.empty(), broken);
    assertThat(plan.owners()).containsOnly("a");
    AssignmentPlanner.Plan thrown = AssignmentPlanner.plan(SHARDS, null,
        List.of(live("a", "a1", 1)), id -> Optional.empty(), context -> {
          throw new IllegalStateException("bug");
        });
    assertThat(thrown.owners()).containsOnly("a");
  }

  private static AssignmentPlanner.Plan plan(ShardAssignment current,
      List<ClusterStore.Entry> listing) {
    return AssignmentPlanner.plan(SHARDS, current, listing, id -> Optional.empty(),
        AllocationStrategy.balanced());
  }

  private static ShardAssignment assignment(AssignmentPlanner.Plan plan) {
    return Assignments.of(1, 1, "a", Instant.EPOCH, plan.listed(), plan.owners());
  }

  private static ClusterStore.Entry live(String id, String incarnation, long revision) {
    MemberRecord record = new MemberRecord(id, incarnation, Instant.EPOCH, Map.of(), 0);
    return new ClusterStore.Entry(ClusterStore.memberKey(id), revision, KeyValueOperation.PUT,
        record.encode());
  }

  private static ClusterStore.Entry ended(String id, long revision, KeyValueOperation op) {
    return new ClusterStore.Entry(ClusterStore.memberKey(id), revision, op, null);
  }
}
