package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The NATS server that leads the cluster's bucket is killed: after the stream-leader election
 * the cluster carries on with the same members, and can still move shards and route messages.
 */
final class NatsFailoverIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  private TestCluster cluster;

  @AfterEach
  void closeNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void killingTheBucketLeaderServer_theClusterCarriesOnWithTheSameMembers() {
    NatsCluster nats = NATS.cluster();
    // Leases long enough to ride out a stream-leader election (4-9 s on a slow machine).
    cluster = TestCluster.on(nats, "failover").defaults(b -> b
        .membershipTtl(Duration.ofSeconds(20))
        .heartbeatInterval(Duration.ofSeconds(2))
        .leaderLeaseTtl(Duration.ofSeconds(20))
        .leaderRenewInterval(Duration.ofSeconds(2))
        .safetyMargin(Duration.ofSeconds(2))
        .operationTimeout(Duration.ofSeconds(2))
        .rebalanceDelay(Duration.ofMillis(300)));
    for (int i = 1; i <= 5; i++) {
      cluster.start("node-" + i);
    }
    cluster.awaitStable(Duration.ofSeconds(30));
    ClusterNode leader = cluster.leader().orElseThrow();
    long token = leader.leaderElection().leadership().orElseThrow().fencingToken();
    long epoch = leader.assignment().orElseThrow().epoch();

    String stream = "KV_" + ClusterStore.bucketName(cluster.name);
    NatsNode bucketLeader = nats.streamLeader(stream);
    bucketLeader.kill();
    NatsNode newBucketLeader = nats.streamLeader(stream, Duration.ofSeconds(30));
    assertThat(newBucketLeader).isNotSameAs(bucketLeader);

    // Everyone stays a member and the leader keeps its term.
    ClusterNode joiner = cluster.start("node-6");
    cluster.awaitStable(Duration.ofSeconds(40));
    assertThat(joiner.activeShards()).isNotEmpty();
    assertThat(cluster.nodes()).allMatch(ClusterNode::isMember);
    assertThat(cluster.membershipEvents).noneMatch(e -> e.contains("failed"));
    assertThat(leader.leaderElection().leadership()).hasValueSatisfying(
        l -> assertThat(l.fencingToken()).isEqualTo(token));
    assertThat(joiner.assignment().orElseThrow().epoch()).isGreaterThan(epoch);

    // Routing still reaches the owners.
    ClusterRouter router = cluster.node("node-1").router();
    for (String actor : List.of("a-1", "a-2", "a-3", "a-4", "a-5", "a-6")) {
      String reply = new String(router.request(actor, "hi".getBytes()));
      int shard = router.sharding().shardOf(actor);
      String owner = joiner.assignment().orElseThrow().owner(shard).orElseThrow();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
          new String(router.request(actor, "hi".getBytes()))).startsWith(owner + ":"));
      assertThat(reply).endsWith(":" + actor + ":hi");
    }

    bucketLeader.restart();
    nats.waitForJetStreamReady();
    cluster.awaitStable(Duration.ofSeconds(20));
    cluster.history.assertNoDoubleOwnership();
    cluster.history.assertNoTwoLeaders();
  }
}
