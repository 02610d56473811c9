package one.flowmade.aether.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Random joins, graceful leaves, crashes and dropped connections, with messages flowing: from the
 * recorded acquire and release events, no shard was ever active on two nodes, and after each
 * change every shard has exactly one owner again.
 */
final class ShardChurnIT {

  private static final Logger LOG = LoggerFactory.getLogger(ShardChurnIT.class);

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
  void randomChurn_neverTwoOwnersOfAShard_andEveryShardOwnedAgainAfterEachChange()
      throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    LOG.info("churn seed {}", seed);
    cluster = TestCluster.on(NATS.cluster(), "churn").defaults(TestCluster::fast);
    int next = 1;
    for (; next <= 5; next++) {
      cluster.start("node-" + next);
    }
    cluster.awaitStable(Duration.ofSeconds(30));

    ClusterRouter router = ClusterRouter.builder().connection(cluster.connect())
        .clusterName(cluster.name).requestTimeout(Duration.ofSeconds(15)).build();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicInteger answered = new AtomicInteger();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sender = new Thread(() -> {
      int i = 0;
      while (running.get()) {
        String actor = "actor-" + (i++ % 500);
        try {
          String reply = new String(router.request(actor, "ping".getBytes(UTF_8)), UTF_8);
          if (!reply.endsWith(":" + actor + ":ping")) {
            failures.add(new AssertionError("wrong reply " + reply + " for " + actor));
          }
          answered.incrementAndGet();
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
    }, "churn-sender");
    sender.start();

    List<String> done = new ArrayList<>();
    try {
      for (int step = 1; step <= 12; step++) {
        List<String> live = new ArrayList<>(cluster.nodes().stream()
            .map(ClusterNode::nodeId).sorted().toList());
        String action;
        if (live.size() <= 3) {
          action = "join";
        } else if (live.size() >= 7) {
          action = List.of("leave", "crash", "drop").get(random.nextInt(3));
        } else {
          action = List.of("join", "join", "leave", "crash", "drop").get(random.nextInt(5));
        }
        String target = action.equals("join") ? "node-" + next++
            : live.get(random.nextInt(live.size()));
        LOG.info("churn step {}: {} {} (live {})", step, action, target, live);
        switch (action) {
          case "join" -> cluster.start(target);
          case "leave" -> cluster.stop(target);
          case "crash" -> cluster.crash(target);
          default -> {
            ClusterNode dropped = cluster.node(target);
            cluster.dropConnection(target);
            await().atMost(Duration.ofSeconds(10)).until(() -> !dropped.isMember());
            cluster.discard(target);
          }
        }
        done.add(action + " " + target);
        cluster.awaitStable(Duration.ofSeconds(30));
        cluster.history.assertNoDoubleOwnership();
      }
    } finally {
      running.set(false);
      sender.join(20_000);
    }
    LOG.info("churn done: {}; {} ownerships recorded, {} requests answered", done,
        cluster.history.ownershipCount(), answered.get());
    cluster.history.assertNoDoubleOwnership();
    cluster.history.assertNoTwoLeaders();
    assertThat(failures).as("requests that failed during churn").isEmpty();
    assertThat(answered.get()).isPositive();
    assertThat(cluster.history.ownershipCount()).isGreaterThan(1024);
  }
}
