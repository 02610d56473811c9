package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Membership and shard ownership of five nodes on a three-node NATS cluster. */
final class ClusterMembershipIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  private TestCluster cluster;

  @AfterEach
  void closeNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private TestCluster startFive() {
    cluster = TestCluster.on(NATS.cluster(), "members").defaults(TestCluster::fast);
    for (int i = 1; i <= 5; i++) {
      cluster.start("node-" + i);
    }
    cluster.awaitStable(Duration.ofSeconds(30));
    return cluster;
  }

  @Test
  void fiveNodes_seeEachOther_andOwnEveryShardExactlyOnce() {
    TestCluster c = startFive();
    ClusterNode any = c.node("node-3");
    assertThat(any.members()).extracting(Member::nodeId)
        .containsExactly("node-1", "node-2", "node-3", "node-4", "node-5");
    assertThat(any.members().get(0).metadata()).containsEntry("test", "yes");
    ShardAssignment assignment = any.assignment().orElseThrow();
    assertThat(assignment.shardCount()).isEqualTo(1024);
    assertThat(assignment.stats().maxOverMean()).isLessThanOrEqualTo(1.05);
    assertThat(c.shardCounts().values()).allSatisfy(n -> assertThat(n).isBetween(204, 205));
    assertThat(c.leader()).isPresent();
    long token = c.leader().orElseThrow().leaderElection().leadership().orElseThrow()
        .fencingToken();
    assertThat(token).isPositive();
    for (ClusterNode node : c.nodes()) {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
          node.leaderElection().leaderId()).contains(c.leader().orElseThrow().nodeId()));
    }
    c.history.assertNoDoubleOwnership();
    c.history.assertNoTwoLeaders();
  }

  @Test
  void gracefulLeave_isSeenAsLeft_andItsShardsMoveToTheOthers() {
    TestCluster c = startFive();
    Set<Integer> leaving = new TreeSet<>(c.node("node-5").activeShards());
    c.stop("node-5");
    c.awaitStable(Duration.ofSeconds(20));
    assertThat(c.membershipEvents).contains("node-1 saw left node-5");
    assertThat(c.membershipEvents).noneMatch(e -> e.contains("failed"));
    for (int shard : leaving) {
      assertThat(c.nodes()).filteredOn(n -> n.ownsShard(shard)).hasSize(1);
    }
    assertThat(c.node("node-1").assignment().orElseThrow().stats().maxOverMean())
        .isLessThanOrEqualTo(1.05);
    c.history.assertNoDoubleOwnership();
  }

  @Test
  void abruptDeath_isDetectedByExpiry_andItsShardsMove() {
    TestCluster c = startFive();
    String victim = c.leader().orElseThrow().nodeId().equals("node-4") ? "node-2" : "node-4";
    c.dropConnection(victim);
    ClusterNode dead = c.node(victim);
    await().atMost(Duration.ofSeconds(10)).until(() -> !dead.isMember());
    assertThat(dead.activeShards()).isEmpty();
    c.discard(victim);
    c.awaitStable(Duration.ofSeconds(20));
    assertThat(c.membershipEvents).contains("node-1 saw failed " + victim);
    c.history.assertNoDoubleOwnership();
  }

  @Test
  void anOwnerDyingMidHandoff_isRecoveredFrom_andItsShardIsNeverOwnedTwice() {
    cluster = TestCluster.on(NATS.cluster(), "midhandoff").defaults(TestCluster::fast);
    for (int i = 1; i <= 4; i++) {
      cluster.start("node-" + i);
    }
    cluster.awaitStable(Duration.ofSeconds(30));
    // node-4 will hang in its first release; a new node makes the leader move shards.
    cluster.releaseBlockers.put("node-4", new CountDownLatch(1));
    ClusterNode joiner = cluster.start("node-5");
    await().atMost(Duration.ofSeconds(20)).until(() -> !cluster.blockedReleases.isEmpty());
    int stuck = Integer.parseInt(cluster.blockedReleases.get(0).split("/")[1]);
    // node-4 releases as soon as it sees the assignment that moves the shard; the joiner's watch
    // may show that assignment a moment later.
    String newOwner = await().atMost(Duration.ofSeconds(10)).until(
        () -> joiner.assignment().flatMap(a -> a.owner(stuck)).orElse("none"),
        owner -> !owner.equals("none") && !owner.equals("node-4"));
    // The new owner waits for node-4's confirmation, which does not come.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> !cluster.node(newOwner).ownsShard(stuck));

    cluster.crash("node-4");
    cluster.awaitStable(Duration.ofSeconds(30));
    assertThat(cluster.node(newOwner).assignment().orElseThrow().owner(stuck)).isPresent();
    assertThat(cluster.membershipEvents).contains("node-1 saw failed node-4");
    cluster.history.assertNoDoubleOwnership();
  }

  @Test
  void aNewOwnerDyingMidHandoff_isRecoveredFrom() {
    cluster = TestCluster.on(NATS.cluster(), "newowner").defaults(TestCluster::fast);
    for (int i = 1; i <= 3; i++) {
      cluster.start("node-" + i);
    }
    cluster.awaitStable(Duration.ofSeconds(30));
    cluster.releaseBlockers.put("node-1", new CountDownLatch(1));
    cluster.start("node-4");
    await().atMost(Duration.ofSeconds(20)).until(() -> !cluster.blockedReleases.isEmpty());
    // node-4 waits for node-1's confirmation; it dies before it gets it.
    cluster.crash("node-4");
    cluster.releaseBlockers.remove("node-1").countDown();
    cluster.awaitStable(Duration.ofSeconds(30));
    assertThat(cluster.membershipEvents).contains("node-2 saw failed node-4");
    cluster.history.assertNoDoubleOwnership();
  }

  @Test
  void isolatedNode_stopsItsShardsBeforeOthersTakeThem_andRejoinsAfterwards() {
    NatsCluster nats = NATS.cluster();
    cluster = TestCluster.on(nats, "isolated").defaults(TestCluster::fast);
    for (int i = 1; i <= 4; i++) {
      cluster.start("node-" + i, List.of(nats.node(1).url(), nats.node(2).url()), b -> b);
    }
    cluster.awaitStable(Duration.ofSeconds(30));
    String stream = "KV_" + ClusterStore.bucketName(cluster.name);
    NatsNode kvLeader = nats.streamLeader(stream);
    NatsNode isolatedServer = nats.nodes().stream().filter(n -> n != kvLeader).toList().get(
        kvLeader == nats.node(3) ? 1 : 0);
    if (isolatedServer == nats.node(1) || isolatedServer == nats.node(2)) {
      isolatedServer = nats.node(3);
    }
    if (isolatedServer == kvLeader) {
      isolatedServer = nats.nodes().stream().filter(n -> n != kvLeader).findFirst().orElseThrow();
    }
    ClusterNode lonely = cluster.start("node-5", List.of(isolatedServer.url()), b -> b);
    cluster.awaitStable(Duration.ofSeconds(30));
    assertThat(lonely.activeShards()).isNotEmpty();

    isolatedServer.pause();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> !lonely.isMember());
      assertThat(lonely.activeShards()).isEmpty();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
          cluster.shardCounts().entrySet().stream()
              .filter(e -> !e.getKey().equals("node-5"))
              .mapToInt(Map.Entry::getValue).sum()).isEqualTo(1024));
      cluster.history.assertNoDoubleOwnership();
    } finally {
      isolatedServer.resume();
    }
    await().atMost(Duration.ofSeconds(30)).until(lonely::isMember);
    cluster.awaitStable(Duration.ofSeconds(30));
    assertThat(lonely.activeShards()).isNotEmpty();
    assertThat(cluster.membershipEvents).anyMatch(e -> e.endsWith("saw failed node-5"));
    cluster.history.assertNoDoubleOwnership();
    cluster.history.assertNoTwoLeaders();
  }
}
