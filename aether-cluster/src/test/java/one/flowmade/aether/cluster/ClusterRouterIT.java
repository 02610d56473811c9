package one.flowmade.aether.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Routing messages to the owners of actors, on a single NATS server. */
final class ClusterRouterIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private TestCluster cluster;

  @AfterEach
  void closeNodes() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private TestCluster startThree() {
    cluster = TestCluster.on(NATS.server(), "router").defaults(TestCluster::fast);
    for (int i = 1; i <= 3; i++) {
      cluster.start("node-" + i);
    }
    cluster.awaitStable(Duration.ofSeconds(20));
    return cluster;
  }

  @Test
  void request_isAnsweredByTheOwnerOfTheActorsShard() {
    TestCluster c = startThree();
    ClusterRouter router = c.node("node-1").router();
    ShardAssignment assignment = c.node("node-1").assignment().orElseThrow();
    for (int i = 0; i < 60; i++) {
      String actor = "order." + i + " \u00fc*";
      String reply = new String(router.request(actor, ("m" + i).getBytes(UTF_8)), UTF_8);
      String owner = assignment.owner(router.sharding().shardOf(actor)).orElseThrow();
      assertThat(reply).isEqualTo(owner + ":" + actor + ":m" + i);
    }
  }

  @Test
  void requestAsync_completesWithTheReply() throws Exception {
    TestCluster c = startThree();
    List<CompletableFuture<byte[]>> replies = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      replies.add(c.node("node-2").router().requestAsync("actor-" + i, "x".getBytes(UTF_8)));
    }
    for (int i = 0; i < 50; i++) {
      assertThat(new String(replies.get(i).get(), UTF_8)).endsWith(":actor-" + i + ":x");
    }
  }

  @Test
  void requestsDuringAGracefulLeave_areAnsweredByTheNewOwners() throws Exception {
    TestCluster c = startThree();
    ClusterRouter router = c.node("node-1").router();
    List<String> actors = new ArrayList<>();
    for (int i = 0; actors.size() < 20; i++) {
      String actor = "moving-" + i;
      if (c.node("node-3").ownsActor(actor)) {
        actors.add(actor);
      }
    }
    List<String> replies = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    AtomicBoolean running = new AtomicBoolean(true);
    Thread sender = new Thread(() -> {
      int i = 0;
      while (running.get()) {
        String actor = actors.get(i++ % actors.size());
        try {
          replies.add(new String(router.request(actor, "p".getBytes(UTF_8)), UTF_8));
        } catch (RuntimeException e) {
          failures.add(e);
        }
      }
    }, "test-sender");
    sender.start();
    try {
      await().atMost(Duration.ofSeconds(5))
          .until(() -> replies.size() > 20);
      c.stop("node-3");
      c.awaitStable(Duration.ofSeconds(20));
      int before = replies.size();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> replies.size() > before + 40);
    } finally {
      running.set(false);
      sender.join(15_000);
    }
    assertThat(failures).isEmpty();
    assertThat(replies).anyMatch(r -> r.startsWith("node-3:"));
    assertThat(replies.subList(replies.size() - 20, replies.size()))
        .allMatch(r -> r.startsWith("node-1:") || r.startsWith("node-2:"));
    c.history.assertNoDoubleOwnership();
  }

  @Test
  void aHandlerExecutor_runsTheHandler() throws Exception {
    TestCluster c = startThree();
    ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
      Thread thread = new Thread(runnable, "test-handler");
      thread.setDaemon(true);
      return thread;
    });
    try {
      ClusterNode node = c.start("node-4", List.of(NATS.url()), b -> b.handlerExecutor(executor));
      c.awaitStable(Duration.ofSeconds(20));
      String actor = IntStream.range(0, 1000).mapToObj(i -> "exec-" + i)
          .filter(node::ownsActor).findFirst().orElseThrow();
      assertThat(new String(node.router().request(actor, "e".getBytes(UTF_8)), UTF_8))
          .isEqualTo("node-4:" + actor + ":e");
      assertThat(c.handlerThreads).contains("test-handler");
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void aHandlerThatNeverReturns_doesNotStopTheNodeFromHandingOverItsOtherShards() {
    ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
      Thread thread = new Thread(runnable, "test-stuck-handler");
      thread.setDaemon(true);
      return thread;
    });
    cluster = TestCluster.on(NATS.server(), "stuck").defaults(b -> TestCluster.fast(b)
        .shardCount(8).shardDrainTimeout(Duration.ofMillis(500)));
    try {
      ClusterNode first = cluster.start("node-1", List.of(NATS.url()),
          b -> b.handlerExecutor(executor));
      cluster.awaitStable(Duration.ofSeconds(20));
      // One request that never returns in every shard: whichever shards move, each release
      // finds a handler still running.
      for (int shard = 0; shard < 8; shard++) {
        int s = shard;
        String actor = IntStream.range(0, 1000).mapToObj(i -> "stuck-" + i)
            .filter(a -> first.sharding().shardOf(a) == s).findFirst().orElseThrow();
        first.router().requestAsync(actor, "stuck".getBytes(UTF_8));
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> cluster.stuck.get() == 8);

      cluster.start("node-2");

      // Without a bound the first release waits forever on the events thread, and node-1
      // neither hands over its other shards nor applies the new assignment.
      cluster.awaitStable(Duration.ofSeconds(20));
      assertThat(first.activeShards()).hasSizeLessThan(8);
      assertThat(cluster.stuck.get()).isEqualTo(8);
      String actor = IntStream.range(0, 1000).mapToObj(i -> "after-" + i)
          .filter(first::ownsActor).findFirst().orElseThrow();
      assertThat(new String(first.router().request(actor, "a".getBytes(UTF_8)), UTF_8))
          .isEqualTo("node-1:" + actor + ":a");
    } finally {
      cluster.stuckHandlers.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void aFailingHandler_failsTheRequestWithItsMessage() {
    TestCluster c = startThree();
    assertThatThrownBy(() -> c.node("node-2").router().request("bad-actor", "boom".getBytes(UTF_8)))
        .isInstanceOfSatisfying(ActorRequestException.class, e -> {
          assertThat(e.actorId()).isEqualTo("bad-actor");
          assertThat(e.getMessage()).contains("IllegalArgumentException", "boom for bad-actor");
          assertThat(e.isTransient()).isFalse();
        });
  }

  @Test
  void noOwner_failsWithAClearTimeoutError() {
    Connection connection = NATS.connect();
    try {
      ClusterRouter router = ClusterRouter.builder().connection(connection)
          .clusterName("nobody-home").shardCount(16).attemptTimeout(Duration.ofMillis(200))
          .build();
      assertThatThrownBy(() -> router.request("lonely", new byte[0], Duration.ofMillis(800)))
          .isInstanceOfSatisfying(ShardUnavailableException.class, e -> {
            assertThat(e.actorId()).isEqualTo("lonely");
            assertThat(e.shard()).isEqualTo(Sharding.of(16).shardOf("lonely"));
            assertThat(e.isTransient()).isTrue();
            assertThat(e.getMessage()).contains("no owner of shard", "lonely", "attempts",
                "no node subscribed");
          });
    } finally {
      close(connection);
    }
  }

  @Test
  void anOwnerThatDoesNotReply_failsWithATimeoutThatSaysSo() throws Exception {
    Connection owner = NATS.connect();
    // A short request cleanup, so that jnats ends an attempt without a reply soon after the
    // attempt timeout (by default it checks every 5 s).
    Connection connection = io.nats.client.Nats.connect(new io.nats.client.Options.Builder()
        .server(NATS.url()).requestCleanupInterval(Duration.ofMillis(100)).build());
    try {
      String cluster = "silent-" + System.nanoTime();
      owner.subscribe(one.flowmade.aether.cluster.internal.routing.RoutingProtocol.subject(
          cluster, Sharding.of(16).shardOf("quiet"), "quiet")); // subscribed, never replies
      owner.flush(Duration.ofSeconds(5));
      ClusterRouter router = ClusterRouter.builder().connection(connection)
          .clusterName(cluster).shardCount(16).attemptTimeout(Duration.ofMillis(200))
          .build();
      assertThatThrownBy(() -> router.request("quiet", new byte[0], Duration.ofSeconds(1)))
          .isInstanceOf(ShardUnavailableException.class)
          .hasMessageContaining("the last attempt got no reply within 200 ms")
          .hasMessageNotContaining("no node subscribed");
    } finally {
      close(owner);
      close(connection);
    }
  }

  @Test
  void aStandaloneRouter_readsTheShardCountOfTheCluster() {
    TestCluster c = startThree();
    Connection connection = NATS.connect();
    try {
      ClusterRouter router = ClusterRouter.builder().connection(connection)
          .clusterName(c.name).build();
      assertThat(router.sharding().shardCount()).isEqualTo(1024);
      assertThat(new String(router.request("abc", "q".getBytes(UTF_8)), UTF_8))
          .endsWith(":abc:q");
      assertThatThrownBy(() -> ClusterRouter.builder().connection(connection)
          .clusterName("no-such-cluster").build())
          .isInstanceOf(ClusterConfigurationException.class)
          .hasMessageContaining("no cluster named no-such-cluster");
    } finally {
      close(connection);
    }
  }

  @Test
  void aNodeWithAnotherShardCount_cannotJoin() {
    TestCluster c = startThree();
    assertThatThrownBy(() -> c.start("node-9", List.of(NATS.url()), b -> b.shardCount(512)))
        .isInstanceOf(ClusterConfigurationException.class)
        .hasMessageContaining("1024 shards")
        .hasMessageContaining("512");
  }

  @Test
  void aSecondNodeWithTheSameId_cannotJoinWhileTheFirstLives() {
    TestCluster c = startThree();
    assertThatThrownBy(() -> c.startWith("node-2", List.of(NATS.url()),
        b -> b.joinTimeout(Duration.ofSeconds(2))))
        .isInstanceOf(ClusterJoinException.class)
        .hasMessageContaining("node-2 is held by another live incarnation");
  }

  private static void close(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
