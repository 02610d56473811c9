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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A routed handler runs knowing the epoch in which its node acquired the actor's shard, and can
 * check while it runs, on the membership lease's clock, that the node still owns it
 * ({@link OwnedShard}): the node itself checks only when the request enters.
 */
final class OwnedShardIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch proceed = new CountDownLatch(1);
  private final AtomicReference<OwnedShard> seen = new AtomicReference<>();
  private final Map<String, Map<Integer, Long>> acquired = new ConcurrentHashMap<>();
  private final Map<String, Map<Integer, Long>> released = new ConcurrentHashMap<>();
  private final ExecutorService handlers = Executors.newCachedThreadPool();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    proceed.countDown();
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    handlers.shutdownNow();
  }

  private Connection connect(String nodeId) throws Exception {
    Connection connection = Nats.connect(Options.builder().server(NATS.server().url())
        .connectionName(nodeId).build());
    closeables.add(connection);
    return connection;
  }

  private ClusterNode start(String cluster, String nodeId, Connection connection) {
    ClusterNode node = TestCluster.fast(ClusterNode.builder())
        .connection(connection)
        .clusterName(cluster)
        .nodeId(nodeId)
        .requestTimeout(Duration.ofSeconds(20))
        .handlerExecutor(handlers)
        .shardListener(new ShardListener() {
          @Override
          public void acquired(int shard, long epoch) {
            acquired.computeIfAbsent(nodeId, k -> new ConcurrentHashMap<>()).put(shard, epoch);
          }

          @Override
          public void released(int shard, long epoch, ReleaseReason reason) {
            released.computeIfAbsent(nodeId, k -> new ConcurrentHashMap<>()).put(shard, epoch);
          }
        })
        .messageHandler(new ActorMessageHandler() {
          @Override
          public byte[] handle(String actorId, byte[] payload) {
            throw new AssertionError("the node calls handle(actorId, payload, shard)");
          }

          @Override
          public byte[] handle(String actorId, byte[] payload, OwnedShard shard)
              throws Exception {
            if (new String(payload, UTF_8).equals("hold")) {
              seen.set(shard);
              entered.countDown();
              proceed.await();
              shard.checkOwned(); // the node lost the shard meanwhile: answered "moved"
            }
            return (nodeId + ":" + shard.shard() + "@" + shard.epoch()).getBytes(UTF_8);
          }
        })
        .build();
    closeables.add(node);
    return node;
  }

  @Test
  void handler_knowsTheEpoch_andSeesTheShardLostOnTheLeaseClock_beforeItsReleaseCallback()
      throws Exception {
    Connection connection = connect("node-1");
    ClusterNode first = start("owned-lease", "node-1", connection);
    Connection routerConnection = connect("router");
    ClusterRouter router = ClusterRouter.builder().connection(routerConnection)
        .clusterName("owned-lease").requestTimeout(Duration.ofSeconds(20)).build();
    await().atMost(Duration.ofSeconds(20)).until(() ->
        first.activeShards().size() == first.sharding().shardCount());
    String actor = "account-7";
    int shard = first.shardOf(actor);

    CompletableFuture<byte[]> reply = router.requestAsync(actor, "hold".getBytes(UTF_8));
    assertThat(entered.await(10, TimeUnit.SECONDS)).as("the handler was called").isTrue();
    OwnedShard owned = seen.get();
    assertThat(owned.shard()).isEqualTo(shard);
    assertThat(owned.epoch()).as("the epoch of the acquired callback")
        .isEqualTo(acquired.get("node-1").get(shard));
    assertThat(owned.isOwned()).isTrue();

    // Cut the node off: it can no longer renew its membership. The handler is still running.
    connection.close();
    long cut = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .until(() -> !owned.isOwned());
    long lostAfterMillis = (System.nanoTime() - cut) / 1_000_000;
    assertThat(lostAfterMillis).as("lost within the membership TTL (3 s) of the last renewal")
        .isLessThan(3500);
    assertThat(released.getOrDefault("node-1", Map.of())).as("no released callback yet: the"
        + " release waits for the handler").doesNotContainKey(shard);
    assertThat(owned.isOwned()).as("once lost, never owned again").isFalse();

    // A second node takes over; the held request, answered "moved" by checkOwned, reaches it.
    ClusterNode second = start("owned-lease", "node-2", connect("node-2"));
    await().atMost(Duration.ofSeconds(20)).until(() -> second.ownsShard(shard));
    proceed.countDown();
    String answer = new String(reply.get(20, TimeUnit.SECONDS), UTF_8);
    assertThat(answer).isEqualTo("node-2:" + shard + "@" + acquired.get("node-2").get(shard));
    assertThat(acquired.get("node-2").get(shard)).as("a newer epoch")
        .isGreaterThan(owned.epoch());
  }
}
