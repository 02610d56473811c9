package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import one.flowmade.aether.Health;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ClusterNode#health()} on a real server: one call, bounded, never throwing; down when the
 * node is closed, disconnected, past its membership lease or without its membership entry.
 */
final class ClusterNodeHealthIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final String cluster = "health-" + System.nanoTime() % 1_000_000;

  /** While held, the nodes' shard releases wait: a node then confirms no epoch. */
  private final CountDownLatch releases = new CountDownLatch(1);

  @AfterEach
  void tearDown() throws Exception {
    releases.countDown();
    if (NATS.server().isPaused()) {
      NATS.server().resume();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  /** A connection that never gives up and does not notice a paused server by its pings. */
  private Connection connect() throws Exception {
    Connection connection = Nats.connect(Options.builder().server(NATS.server().url())
        .maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
        .pingInterval(Duration.ofMinutes(5)).build());
    closeables.add(connection);
    return connection;
  }

  private ClusterNode start(String nodeId, Connection connection,
      UnaryOperator<ClusterNode.Builder> timings) {
    ClusterNode node = timings.apply(ClusterNode.builder())
        .connection(connection).clusterName(cluster).nodeId(nodeId).shardCount(16).build();
    closeables.add(node);
    return node;
  }

  private ClusterNode start(String nodeId) throws Exception {
    return start(nodeId, connect(), TestCluster::fast);
  }

  /** {@link TestCluster#fast} with another membership TTL and heartbeat. */
  private static UnaryOperator<ClusterNode.Builder> membership(Duration ttl,
      Duration heartbeat) {
    return b -> b.membershipTtl(ttl).heartbeatInterval(heartbeat)
        .leaderLeaseTtl(Duration.ofSeconds(3)).leaderRenewInterval(Duration.ofSeconds(1))
        .safetyMargin(Duration.ofSeconds(1)).operationTimeout(Duration.ofMillis(800))
        .rebalanceDelay(Duration.ofMillis(300)).joinTimeout(Duration.ofSeconds(20));
  }

  @Test
  void memberThatLeads_isUp_withMemberLeaderEpochShardsAndRenewalAge() throws Exception {
    ClusterNode node = start("a");
    await().atMost(WAIT).until(() -> node.activeShards().size() == 16
        && node.leaderElection().leaderId().isPresent());

    Health health = node.health();

    assertThat(health.status()).isEqualTo(Health.Status.UP);
    assertThat(health.details()).containsEntry("cluster", cluster)
        .containsEntry("node", "a")
        .containsEntry("connection", "CONNECTED")
        .containsEntry("member", "true")
        .containsEntry("membership.entry", "mine")
        .containsEntry("leader", "a")
        .containsEntry("epoch", Long.toString(node.assignment().orElseThrow().epoch()))
        .containsEntry("shards.owned", "16")
        .doesNotContainKey("reason");
    long age = Long.parseLong(health.details().get("membership.renewalAgeMs"));
    assertThat(age).as("renewed every second, TTL 3 s").isBetween(0L, 2_000L);
  }

  @Test
  void closedNode_isDown() throws Exception {
    ClusterNode node = start("a");
    node.close();

    Health health = node.health();

    assertThat(health.status()).isEqualTo(Health.Status.DOWN);
    assertThat(health.details()).containsEntry("reason", "the node is closed");
  }

  @Test
  void serverStopped_isDownAtOnce_andUpAgainAfterRestart() throws Exception {
    ClusterNode node = start("a");
    await().atMost(WAIT).until(() -> node.health().isUp());

    NATS.server().stop();
    Health down = assertTimeoutPreemptively(Duration.ofSeconds(5), node::health);

    assertThat(down.status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.details().get("reason")).containsAnyOf("not connected", "no answer");
    NATS.server().restart();
    await().atMost(WAIT).until(() -> node.health().isUp());
  }

  @Test
  void serverPaused_isDownOnceTheLeaseDeadlinePasses_eachCallBounded_andUpAfterResume()
      throws Exception {
    ClusterNode node = start("a");
    await().atMost(WAIT).until(() -> node.health().isUp());

    NATS.server().pause();
    // Nothing is acknowledged from now on: the lease's deadline stays where it is.
    long deadline = node.runtime().membershipDeadline();
    await().atMost(WAIT).until(() -> System.nanoTime() - deadline > 0);
    Health down = assertTimeoutPreemptively(Duration.ofSeconds(3), node::health);

    assertThat(down.status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.details()).containsEntry("connection", "CONNECTED")
        .containsEntry("member", "false");
    assertThat(down.details().get("reason")).contains("membership");
    NATS.server().resume();
    await().atMost(WAIT).until(() -> node.health().isUp());
  }

  @Test
  void serverPaused_beforeTheLeaseRunsOut_theEntryReadTimesOut_withinTheOperationTimeout()
      throws Exception {
    ClusterNode node = start("a", connect(),
        membership(Duration.ofSeconds(20), Duration.ofSeconds(1)));
    await().atMost(WAIT).until(() -> node.health().isUp());

    NATS.server().pause();
    Health down = assertTimeoutPreemptively(Duration.ofSeconds(3), node::health);

    assertThat(down.status()).isEqualTo(Health.Status.DOWN);
    assertThat(down.details().get("reason")).contains("no answer from NATS");
    assertThat(down.details()).containsEntry("member", "true");
  }

  @Test
  void membershipEntryDeletedOnTheServer_isDown_untilTheNodeHasRejoined() throws Exception {
    UnaryOperator<ClusterNode.Builder> timings =
        membership(Duration.ofSeconds(15), Duration.ofSeconds(5));
    ClusterNode node = start("a", connect(), b -> timings.apply(b)
        .shardListener(new ShardListener() {
          @Override
          public void released(int shard, long epoch, ReleaseReason reason) {
            // Keeps the node from confirming the epoch that drops it, which would renew at once
            // and find the entry gone: it finds out with its next scheduled heartbeat instead.
            try {
              releases.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        }));
    await().atMost(WAIT).until(() -> node.health().isUp());
    await().atMost(WAIT).until(() -> Long.parseLong(
        node.health().details().get("membership.renewalAgeMs")) < 1_000);
    KeyValue bucket = connect().keyValue(ClusterStore.bucketName(cluster));

    bucket.delete(ClusterStore.memberKey("a"));

    await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      Health health = node.health();
      assertThat(health.status()).isEqualTo(Health.Status.DOWN);
      assertThat(health.details().get("reason")).isEqualTo("its membership entry members.a is"
          + " missing or expired on the server");
      assertThat(health.details()).containsEntry("membership.entry", "missing");
    });
    releases.countDown();
    await().atMost(WAIT).until(() -> node.health().isUp());
  }
}
