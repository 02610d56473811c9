package one.flowmade.aether.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A routed handler that never returns must not freeze its node: releasing its shard waits at most
 * the request timeout, then the node goes on (closing, handing its shards over).
 */
final class StuckHandlerIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private final CountDownLatch stuck = new CountDownLatch(1);
  private final CountDownLatch entered = new CountDownLatch(1);
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    stuck.countDown();
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    handlers.shutdownNow();
  }

  private ClusterNode start(String cluster, String nodeId) throws Exception {
    Connection connection = Nats.connect(Options.builder().server(NATS.server().url())
        .connectionName(nodeId).build());
    closeables.add(connection);
    ClusterNode node = TestCluster.fast(ClusterNode.builder())
        .connection(connection)
        .clusterName(cluster)
        .nodeId(nodeId)
        .requestTimeout(Duration.ofSeconds(1))
        .handlerExecutor(handlers)
        .messageHandler((actorId, payload) -> {
          if (new String(payload, UTF_8).equals("hang")) {
            entered.countDown();
            stuck.await(); // a handler that does not return until the test ends
          }
          return (nodeId + ":" + actorId).getBytes(UTF_8);
        })
        .build();
    closeables.add(node);
    return node;
  }

  @Test
  void close_withAHandlerThatNeverReturns_handsTheShardsOverWithinTheRequestTimeout()
      throws Exception {
    ClusterNode first = start("stuck", "node-1");
    ClusterNode second = start("stuck", "node-2");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        first.activeShards().size() + second.activeShards().size() == first.sharding().shardCount()
            && !first.activeShards().isEmpty() && !second.activeShards().isEmpty());
    String hung = null;
    String other = null;
    for (int i = 0; hung == null || other == null; i++) {
      String actor = "actor-" + i;
      if (first.ownsActor(actor)) {
        if (hung == null) {
          hung = actor;
        } else {
          other = actor;
        }
      }
    }
    second.router().requestAsync(hung, "hang".getBytes(UTF_8));
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("the handler was called").isTrue();

    // Without a bound, releasing the hung handler's shard waits forever and close never returns.
    CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
    closing.get(15, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(20)).until(() ->
        second.activeShards().size() == second.sharding().shardCount());
    String otherActor = other;
    assertThat(new String(second.router().request(otherActor, "hi".getBytes(UTF_8)), UTF_8))
        .isEqualTo("node-2:" + otherActor);
  }

  @Test
  void close_withAShardListenerThatNeverReturns_leavesWithinItsBound() throws Exception {
    CountDownLatch releasing = new CountDownLatch(1);
    Connection connection = Nats.connect(Options.builder().server(NATS.server().url())
        .connectionName("listening").build());
    closeables.add(connection);
    ClusterNode first = TestCluster.fast(ClusterNode.builder())
        .connection(connection)
        .clusterName("stuck-listener")
        .nodeId("node-1")
        .shardDrainTimeout(Duration.ofSeconds(1))
        .shardListener(new ShardListener() {
          @Override
          public void released(int shard, long epoch, ReleaseReason reason) {
            if (reason != ReleaseReason.LEAVING) {
              return; // the rebalance when node-2 joins
            }
            releasing.countDown();
            try {
              stuck.await(); // a listener that does not return until the test ends
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
        })
        .build();
    closeables.add(first);
    ClusterNode second = start("stuck-listener", "node-2");
    await().atMost(Duration.ofSeconds(20)).until(() ->
        first.activeShards().size() + second.activeShards().size() == first.sharding().shardCount()
            && !first.activeShards().isEmpty() && !second.activeShards().isEmpty());

    // Bound: the drain timeout (1 s) plus twice the operation timeout (0.8 s), then stopping the
    // threads; it used to wait for the listener for ever.
    CompletableFuture.runAsync(first::close).get(30, TimeUnit.SECONDS);

    assertThat(releasing.getCount()).isZero();
    assertThat(first.isMember()).isFalse();
    assertThat(first.activeShards()).isEmpty();
    await().atMost(Duration.ofSeconds(20)).until(() ->
        second.activeShards().size() == second.sharding().shardCount());
  }
}
