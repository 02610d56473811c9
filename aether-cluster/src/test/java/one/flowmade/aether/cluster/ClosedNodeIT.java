package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rule for a node used after close (accessors answer, work fails with an {@link
 * IllegalStateException} naming the node) and for interrupted callers (the flag is set again,
 * blocking calls throw {@link AetherTransientException}, close completes).
 */
final class ClosedNodeIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private TestCluster cluster;

  @AfterEach
  void closeNodes() {
    Thread.interrupted();
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void afterClose_accessorsAnswer_andTheRouterFailsNamingTheClosedNode() {
    cluster = TestCluster.on(NATS.server(), "closed").defaults(TestCluster::fast);
    ClusterNode node = cluster.start("node-1");
    cluster.awaitStable(Duration.ofSeconds(20));
    ClusterRouter router = node.router();

    node.close();

    assertThat(node.clusterName()).isEqualTo(cluster.name);
    assertThat(node.nodeId()).isEqualTo("node-1");
    assertThat(node.isMember()).isFalse();
    assertThat(node.activeShards()).isEmpty();
    assertThat(node.ownsShard(0)).isFalse();
    assertThat(node.ownsActor("order-1")).isFalse();
    assertThat(node.leaderElection().isLeader()).isFalse();
    assertThat(node.shardOf("order-1")).isEqualTo(node.sharding().shardOf("order-1"));
    assertThat(node.members()).isNotNull();
    assertThat(node.assignment()).isNotNull();
    assertThat(node.router()).isSameAs(router);
    assertThatThrownBy(() -> router.request("order-1", new byte[0]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node node-1 of cluster " + cluster.name + " is closed");
    CompletableFuture<byte[]> async = router.requestAsync("order-1", new byte[0]);
    assertThatThrownBy(async::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node node-1 of cluster " + cluster.name + " is closed");
    assertThatThrownBy(() -> node.ownsShard(-1)).isInstanceOf(IllegalArgumentException.class);
    node.close();
  }

  @Test
  void anInterruptedCaller_getsATransientFailure_withItsFlagSetAgain() {
    cluster = TestCluster.on(NATS.server(), "interrupted").defaults(TestCluster::fast);
    ClusterNode node = cluster.start("node-1");
    cluster.awaitStable(Duration.ofSeconds(20));

    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> node.router().request("order-1", new byte[0]))
        .isInstanceOf(AetherTransientException.class)
        .hasMessageContaining("interrupted while waiting for a reply for actor 'order-1'");
    assertThat(Thread.interrupted()).isTrue();
  }

  @Test
  void closeOnAnInterruptedThread_stillLeaves_andSetsTheFlagAgain() {
    cluster = TestCluster.on(NATS.server(), "interrupted-close").defaults(TestCluster::fast);
    ClusterNode first = cluster.start("node-1");
    ClusterNode second = cluster.start("node-2");
    cluster.awaitStable(Duration.ofSeconds(20));

    Thread.currentThread().interrupt();
    first.close();
    assertThat(Thread.interrupted()).isTrue();

    assertThat(first.isMember()).isFalse();
    // it left (its membership deleted), rather than failed (its membership expired)
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.membershipEvents.stream()
        .anyMatch(e -> e.startsWith("node-2 saw ") && e.endsWith(" node-1")));
    assertThat(cluster.membershipEvents).contains("node-2 saw left node-1")
        .doesNotContain("node-2 saw failed node-1");
  }
}
