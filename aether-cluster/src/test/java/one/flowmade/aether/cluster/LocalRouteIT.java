package one.flowmade.aether.cluster;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.CommandIds;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.ActorHost;
import one.flowmade.aether.cluster.actor.ActorType;
import one.flowmade.aether.cluster.actor.CommandOutcome;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node's router runs a request for a shard its own node serves on that node, through the
 * shard's gate and on the handler executor, without sending it through nats-server; a shard that
 * is being released or whose lease ran out is reached over NATS as before. A second connection
 * subscribed to every shard subject sees each request that goes over NATS.
 */
final class LocalRouteIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void closeAll() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // the test is over
      }
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private ExecutorService pool(String name) {
    AtomicInteger count = new AtomicInteger();
    ExecutorService pool = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    track(pool::shutdownNow);
    return pool;
  }

  /** Counts the messages published on the cluster's shard subjects, as seen by nats-server. */
  private AtomicInteger spyOnShardSubjects(TestCluster cluster) throws Exception {
    AtomicInteger seen = new AtomicInteger();
    Connection spy = track(NATS.connect());
    spy.createDispatcher(m -> seen.incrementAndGet())
        .subscribe("aether.cluster." + cluster.name + ".shard.>");
    spy.flush(Duration.ofSeconds(5));
    return seen;
  }

  /** A router that is on no node: its requests always go over NATS. */
  private ClusterRouter standaloneRouter(String clusterName, int shards) {
    return ClusterRouter.builder().connection(track(NATS.connect())).clusterName(clusterName)
        .shardCount(shards).build();
  }

  @Test
  void aRequestForAShardTheNodeServes_runsOnItsHandlerExecutor_withoutGoingOverNats()
      throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    TestCluster cluster = track(TestCluster.on(NATS.server(), "local")
        .defaults(TestCluster::fast));
    ExecutorService handlers = pool("local-handler");
    ClusterNode node = cluster.start("node-1", List.of(NATS.url()),
        b -> b.handlerExecutor(handlers).meterRegistry(registry));
    cluster.awaitStable(Duration.ofSeconds(20));
    AtomicInteger overNats = spyOnShardSubjects(cluster);

    for (int i = 0; i < 50; i++) {
      String actor = "local-" + i;
      assertThat(new String(node.router().request(actor, ("m" + i).getBytes(UTF_8)), UTF_8))
          .isEqualTo("node-1:" + actor + ":m" + i);
    }
    assertThat(cluster.handlerThreads).isNotEmpty().allMatch(t -> t.startsWith("local-handler-"));
    assertThat(registry.get("aether.cluster.router.requests").tag("node", "node-1")
        .tag("outcome", "success").timer().count()).isEqualTo(50);
    assertThat(registry.find("aether.cluster.router.retries").counters())
        .allMatch(c -> c.count() == 0);

    // The spy does see a request that goes over NATS, after any the node would have sent.
    ClusterRouter outside = standaloneRouter(cluster.name, node.sharding().shardCount());
    assertThat(new String(outside.request("local-0", "o".getBytes(UTF_8)), UTF_8))
        .isEqualTo("node-1:local-0:o");
    await().atMost(Duration.ofSeconds(10)).until(() -> overNats.get() >= 1);
    assertThat(overNats.get()).isEqualTo(1);
  }

  @Test
  void aLocalRequestWhoseHandlerDoesNotReturn_failsAtItsTimeout_sayingSo() throws Exception {
    TestCluster cluster = track(TestCluster.on(NATS.server(), "local-timeout")
        .defaults(TestCluster::fast));
    ClusterNode node = cluster.start("node-1", List.of(NATS.url()),
        b -> b.handlerExecutor(pool("timeout-handler")));
    cluster.awaitStable(Duration.ofSeconds(20));
    long started = System.nanoTime();
    CompletableFuture<byte[]> sent = node.router().requestAsync("hung-1", "stuck".getBytes(UTF_8),
        Duration.ofMillis(500));
    assertThat(sent).failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOf(ShardUnavailableException.class)
        .withMessageContaining("the handler on this node did not answer in time");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(cluster.stuck.get()).isEqualTo(1);
  }

  @Test
  void aNodeWithoutAHandlerExecutor_sendsToItselfOverNats_soItsHandlerRunsOneAtATime()
      throws Exception {
    TestCluster cluster = track(TestCluster.on(NATS.server(), "no-executor")
        .defaults(TestCluster::fast));
    ClusterNode node = cluster.start("node-1");
    cluster.awaitStable(Duration.ofSeconds(20));
    AtomicInteger overNats = spyOnShardSubjects(cluster);

    for (int i = 0; i < 5; i++) {
      assertThat(new String(node.router().request("nx-" + i, "q".getBytes(UTF_8)), UTF_8))
          .isEqualTo("node-1:nx-" + i + ":q");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> overNats.get() >= 5);
    assertThat(overNats.get()).isEqualTo(5);
  }

  @Test
  void aShardBeingHandedOver_isNotRunLocally_andTheRequestReachesTheNewOwnerOverNats()
      throws Exception {
    TestCluster cluster = track(TestCluster.on(NATS.server(), "moving")
        .defaults(b -> TestCluster.fast(b).shardCount(8)
            .shardDrainTimeout(Duration.ofSeconds(20))));
    ExecutorService handlers = pool("moving-handler");
    ClusterNode first = cluster.start("node-1", List.of(NATS.url()),
        b -> b.handlerExecutor(handlers));
    cluster.awaitStable(Duration.ofSeconds(20));
    // A request that does not return in every shard: whichever shards move, their releases wait
    // for it, and meanwhile node-1 serves none of them.
    List<CompletableFuture<byte[]>> stuck = new ArrayList<>();
    for (int shard = 0; shard < 8; shard++) {
      int s = shard;
      String actor = IntStream.range(0, 1000).mapToObj(i -> "held-" + i)
          .filter(a -> first.sharding().shardOf(a) == s).findFirst().orElseThrow();
      stuck.add(first.router().requestAsync(actor, "stuck".getBytes(UTF_8),
          Duration.ofSeconds(60)));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.stuck.get() == 8);
    AtomicInteger overNats = spyOnShardSubjects(cluster);

    cluster.start("node-2", List.of(NATS.url()), b -> b.handlerExecutor(pool("node-2")));
    // node-1 stops owning the shards it hands over at once, and waits for their stuck requests
    await().atMost(Duration.ofSeconds(20)).until(() -> first.activeShards().size() < 8
        && first.assignment().orElseThrow().nodes().contains("node-2"));
    int moving = IntStream.range(0, 8).filter(s -> !first.activeShards().contains(s))
        .findFirst().orElseThrow();
    String actor = IntStream.range(0, 1000).mapToObj(i -> "moving-" + i)
        .filter(a -> first.sharding().shardOf(a) == moving).findFirst().orElseThrow();
    int handledBefore = cluster.handled.get();
    CompletableFuture<byte[]> sent = first.router().requestAsync(actor, "m".getBytes(UTF_8),
        Duration.ofSeconds(30));
    await().atMost(Duration.ofSeconds(10)).until(() -> overNats.get() >= 1);
    assertThat(sent).isNotDone(); // node-1 answers "moved" over NATS; node-2 does not own it yet
    assertThat(cluster.handled.get()).isEqualTo(handledBefore);

    cluster.stuckHandlers.countDown();
    assertThat(new String(sent.get(30, TimeUnit.SECONDS), UTF_8))
        .isEqualTo("node-2:" + actor + ":m");
    for (CompletableFuture<byte[]> held : stuck) {
      assertThat(new String(held.get(30, TimeUnit.SECONDS), UTF_8)).startsWith("node-1:held-");
    }
    cluster.history.assertNoDoubleOwnership();
  }

  @Test
  void aNodeWhoseLeaseRanOut_doesNotRunItsOwnRequest_untilItOwnsTheShardAgain()
      throws Exception {
    TestCluster cluster = track(TestCluster.on(NATS.server(), "lease")
        .defaults(TestCluster::fast));
    ExecutorService handlers = pool("lease-handler");
    ClusterNode node = cluster.start("node-1", List.of(NATS.url()),
        b -> b.handlerExecutor(handlers));
    cluster.awaitStable(Duration.ofSeconds(20));
    String actor = "leased-1";
    long epochBefore = node.assignment().orElseThrow().epoch();
    assertThat(new String(node.router().request(actor, "a".getBytes(UTF_8)), UTF_8))
        .isEqualTo("node-1:" + actor + ":a");
    int handledBefore = cluster.handled.get();

    CompletableFuture<byte[]> sent;
    NATS.server().pause();
    try {
      // 3 s membership TTL: past it the node's own clock says the lease ran out
      await().atMost(Duration.ofSeconds(10)).until(() -> !node.ownsActor(actor));
      CompletableFuture<byte[]> pending = node.router().requestAsync(actor, "b".getBytes(UTF_8),
          Duration.ofSeconds(40));
      sent = pending;
      await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> !pending.isDone() && cluster.handled.get() == handledBefore);
    } finally {
      NATS.server().resume();
    }
    assertThat(new String(sent.get(40, TimeUnit.SECONDS), UTF_8))
        .isEqualTo("node-1:" + actor + ":b");
    assertThat(node.assignment().orElseThrow().epoch()).isGreaterThan(epochBefore);
  }

  // ---- hosted actors ---------------------------------------------------------------------

  record Deposit(long amount) {}

  record Deposited(long amount) {}

  record Account(long balance) {}

  private static final JacksonEventCodec CODEC =
      JacksonEventCodec.builder().register(Deposited.class).build();
  private static final ActorType<Deposited, Deposit> ACCOUNT =
      ActorType.of("account", Deposit.class, Deposited.class, CODEC);

  @Test
  void oneActor_withLocalAndRemoteSendersAtOnce_runsEveryCommandOnceInOrder() throws Exception {
    TestCluster cluster = track(TestCluster.on(NATS.server(), "hosted-local"));
    Namespace namespace = Namespace.of("local-" + System.nanoTime());
    JetStreamEventStore events = track(JetStreamEventStore.builder(track(NATS.connect()),
        namespace).build());
    ActorRepository<Account, Deposited> accounts = ActorRepository.builder(
        new ActorModel<Account, Deposited>() {
          @Override
          public Account initialState(String actorId) {
            return new Account(0);
          }

          @Override
          public Account apply(Account state, Deposited event) {
            return new Account(state.balance() + event.amount());
          }
        }, Deposited.class).codec(CODEC).eventStore(events).build();
    ActorHost host = track(ActorHost.builder()
        .register(ACCOUNT, accounts, (account, deposit) -> List.of(new Deposited(deposit.amount())))
        .build());
    ClusterNode node = track(TestCluster.fast(ClusterNode.builder())
        .connection(cluster.connect()).clusterName(cluster.name).nodeId("node-1")
        .shardCount(16).messageHandler(host.messageHandler()).shardListener(host.shardListener())
        .handlerExecutor(pool("hosted-handler")).build());
    host.attach(node);
    await().atMost(Duration.ofSeconds(20)).until(() -> node.activeShards().size() == 16);
    AtomicInteger overNats = spyOnShardSubjects(cluster);

    // Two senders on the node (local) and two on a router of their own (over NATS), each
    // sending 25 deposits one after the other to the same actor.
    ActorClient local = ActorClient.of(node.router());
    ActorClient remote = ActorClient.of(standaloneRouter(cluster.name, 16));
    Map<String, List<Long>> versions = new ConcurrentHashMap<>();
    List<CompletableFuture<Void>> senders = new ArrayList<>();
    ExecutorService threads = pool("sender");
    for (String sender : List.of("local-a", "local-b", "remote-a", "remote-b")) {
      ActorClient client = sender.startsWith("local") ? local : remote;
      senders.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < 25; i++) {
          CommandOutcome<Deposited> outcome = client.send(ACCOUNT, "shared", new Deposit(1),
              sender + "-" + i, Duration.ofSeconds(20));
          assertThat(outcome.status()).isEqualTo(CommandOutcome.Status.APPLIED);
          versions.computeIfAbsent(sender, s -> new ArrayList<>()).add(outcome.version());
        }
      }, threads));
    }
    CompletableFuture.allOf(senders.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

    List<Event> stored = events.read("shared", 1).events();
    assertThat(stored).extracting(Event::version)
        .containsExactlyElementsOf(IntStream.rangeClosed(1, 100).mapToObj(v -> (long) v).toList());
    for (Map.Entry<String, List<Long>> sender : versions.entrySet()) {
      // each sender's commands are stored in the order it sent them, at the versions it was told
      List<String> ids = stored.stream()
          .map(e -> e.metadata().get(CommandIds.METADATA_KEY).orElseThrow())
          .filter(id -> id.startsWith(sender.getKey() + "-")).toList();
      assertThat(ids).containsExactlyElementsOf(IntStream.range(0, 25)
          .mapToObj(i -> sender.getKey() + "-" + i).toList());
      assertThat(sender.getValue()).isSorted().doesNotHaveDuplicates().allMatch(v ->
          stored.get((int) (v - 1)).metadata().get(CommandIds.METADATA_KEY).orElseThrow()
              .startsWith(sender.getKey() + "-"));
    }
    // only the remote senders' commands went over NATS
    await().atMost(Duration.ofSeconds(10)).until(() -> overNats.get() >= 50);
    assertThat(overNats.get()).isEqualTo(50);
  }
}
