package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Leader election of five nodes on a three-node NATS cluster, under faults. */
final class LeaderElectionIT {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElectionIT.class);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  private TestCluster cluster;

  @AfterEach
  void closeNodes() {
    if (cluster != null) {
      cluster.close();
    }
    NatsCluster nats = NATS.cluster();
    for (NatsNode node : nats.nodes()) {
      if (node.isPaused()) {
        node.resume();
      }
      if (!node.isRunning()) {
        node.restart();
      }
    }
    nats.waitForJetStreamReady();
  }

  private static ClusterNode awaitLeader(TestCluster c, Duration timeout) {
    await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> c.leader().isPresent());
    return c.leader().orElseThrow();
  }

  @Test
  void leaderCrash_aNewLeaderWithALargerTokenTakesOver() {
    cluster = TestCluster.on(NATS.cluster(), "crash").defaults(TestCluster::fast);
    for (int i = 1; i <= 5; i++) {
      cluster.start("node-" + i);
    }
    ClusterNode first = awaitLeader(cluster, Duration.ofSeconds(15));
    long firstToken = first.leaderElection().leadership().orElseThrow().fencingToken();
    cluster.crash(first.nodeId());
    ClusterNode second = awaitLeader(cluster, Duration.ofSeconds(15));
    assertThat(second.nodeId()).isNotEqualTo(first.nodeId());
    assertThat(second.leaderElection().leadership().orElseThrow().fencingToken())
        .isGreaterThan(firstToken);
    cluster.awaitStable(Duration.ofSeconds(20));
    cluster.history.assertNoTwoLeaders();
    cluster.history.assertNoDoubleOwnership();
  }

  @Test
  void gracefulLeaderClose_aSuccessorTakesOverLongBeforeTheLeaseCouldExpire() {
    cluster = TestCluster.on(NATS.cluster(), "resign")
        .defaults(b -> TestCluster.fast(b, Duration.ofSeconds(20)));
    for (int i = 1; i <= 5; i++) {
      cluster.start("node-" + i);
    }
    ClusterNode first = awaitLeader(cluster, Duration.ofSeconds(15));
    long firstToken = first.leaderElection().leadership().orElseThrow().fencingToken();
    cluster.stop(first.nodeId());
    // The lease would live 20 s after its last renewal; a resignation hands over at once.
    ClusterNode second = awaitLeader(cluster, Duration.ofSeconds(8));
    assertThat(second.leaderElection().leadership().orElseThrow().fencingToken())
        .isGreaterThan(firstToken);
    for (ClusterNode node : cluster.nodes()) {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(node.leaderElection().leaderId()).contains(second.nodeId()));
    }
    cluster.history.assertNoTwoLeaders();
  }

  @Test
  void neverTwoLeaders_underKillsPausesAndRestarts() {
    NatsCluster nats = NATS.cluster();
    cluster = TestCluster.on(nats, "chaos").defaults(TestCluster::fast);
    int nextNode = 1;
    for (; nextNode <= 5; nextNode++) {
      cluster.start("node-" + nextNode, pin(nats, nextNode), b -> b);
    }
    awaitLeader(cluster, Duration.ofSeconds(15));
    long seed = System.nanoTime();
    Random random = new Random(seed);
    List<String> actions = new ArrayList<>(List.of("crash leader", "pause leader's server",
        "kill a server", "close leader", "pause leader's server", "kill a server"));
    Collections.shuffle(actions, random);
    LOG.info("chaos seed {}: {}", seed, actions);
    int round = 0;
    for (String action : actions) {
      round++;
      ClusterNode leader = awaitLeader(cluster, Duration.ofSeconds(30));
      LOG.info("chaos round {}: {} with leader {}", round, action, leader.nodeId());
      switch (action) {
        case "crash leader" -> {
          cluster.crash(leader.nodeId());
          cluster.start("node-" + nextNode, pin(nats, nextNode), b -> b);
          nextNode++;
        }
        case "pause leader's server" -> {
          NatsNode server = nats.node(serverOf(leader));
          server.pause();
          await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
              .until(() -> cluster.leader().filter(l -> l != leader).isPresent());
          server.resume();
        }
        case "kill a server" -> {
          NatsNode server = nats.node(1 + random.nextInt(3));
          server.kill();
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
              .until(() -> cluster.leader().filter(l -> nats.node(serverOf(l)) != server).isPresent());
          server.restart();
          nats.waitForJetStreamReady();
        }
        default -> {
          cluster.stop(leader.nodeId());
          cluster.start("node-" + nextNode, pin(nats, nextNode), b -> b);
          nextNode++;
        }
      }
      cluster.history.assertNoTwoLeaders();
    }
    nats.waitForJetStreamReady();
    awaitLeader(cluster, Duration.ofSeconds(30));
    cluster.history.assertNoTwoLeaders();
    cluster.history.assertNoDoubleOwnership();
    assertThat(cluster.history.termCount()).isGreaterThanOrEqualTo(4);
    LOG.info("chaos terms: {}", cluster.history.terms().stream()
        .map(t -> t.node() + "#" + t.token()).toList());
  }

  private static int serverOf(ClusterNode node) {
    String id = node.nodeId();
    int n = Integer.parseInt(id.substring(id.indexOf('-') + 1));
    return (n - 1) % 3 + 1;
  }

  private static List<String> pin(NatsCluster nats, int node) {
    List<String> urls = new ArrayList<>();
    urls.add(nats.node((node - 1) % 3 + 1).url());
    return urls;
  }
}
