package one.flowmade.aether.cluster.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.CommandIds;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hosted actors on real nats-servers: two or three cluster nodes, JetStream stores. Subclasses
 * give the servers (a single node, a 3-node cluster with R3 streams).
 */
abstract class HostedActorsTests {

  /** The servers of the subclass. */
  abstract NatsServerExtension nats();

  /** Replicas of the streams and the cluster bucket. */
  abstract int replicas();

  static final int SHARDS = 16;

  record Deposit(long amount) {}

  record Deposited(long amount) {}

  record Account(long balance) {}

  static final ActorModel<Account, Deposited> MODEL = new ActorModel<>() {
    @Override
    public Account initialState(String actorId) {
      return new Account(0);
    }

    @Override
    public Account apply(Account state, Deposited event) {
      return new Account(state.balance() + event.amount());
    }
  };

  static final JacksonEventCodec CODEC =
      JacksonEventCodec.builder().register(Deposited.class).build();
  static final ActorType<Deposited, Deposit> ACCOUNT =
      ActorType.of("account", Deposit.class, Deposited.class, CODEC);

  final String cluster = "hosted-" + System.nanoTime();
  final Namespace namespace = Namespace.of("hosted-" + System.nanoTime());
  private final List<AutoCloseable> resources = new ArrayList<>();
  final Map<String, ClusterNode> nodes = new ConcurrentHashMap<>();
  final Map<String, Connection> connections = new ConcurrentHashMap<>();
  final Map<String, ActorHost> hosts = new ConcurrentHashMap<>();
  /** Holds every command's handler until counted down (null: none). */
  volatile CountDownLatch handlerGate;
  /** The application's listener the hosts' listeners forward to (null: none). */
  volatile one.flowmade.aether.cluster.ShardListener applicationListener;
  /** The registry the hosts register their meters on (null: none). */
  volatile io.micrometer.core.instrument.MeterRegistry meterRegistry;
  /** The OpenTelemetry the stores, repositories and hosts trace with (null: none). */
  volatile io.opentelemetry.api.OpenTelemetry openTelemetry;
  static final long SLOW = 999;
  final CountDownLatch slowEntered = new CountDownLatch(1);
  final CountDownLatch slowGate = new CountDownLatch(1);

  @AfterEach
  void closeAll() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // closed already (a killed node)
      }
    }
  }

  <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  ClusterNode startNode(String nodeId, int mailboxCapacity) {
    return startNode(nodeId, mailboxCapacity, null, Duration.ofMinutes(10));
  }

  /** A node whose repository snapshots into {@code snapshots} (if not null). */
  ClusterNode startNode(String nodeId, int mailboxCapacity,
      one.flowmade.aether.SnapshotStore snapshots, Duration passivateAfter) {
    Connection connection = track(nats().connect());
    connections.put(nodeId, connection);
    // The stores have a connection of their own, so a node that lost its cluster connection
    // can still write: only fencing keeps it from writing as a stale owner.
    Connection storeConnection = track(nats().connect());
    JetStreamEventStore.Builder eventsBuilder = JetStreamEventStore.builder(storeConnection,
        namespace).replicas(replicas());
    ActorRepository.Builder<Account, Deposited> repository =
        ActorRepository.builder(MODEL, Deposited.class).codec(CODEC);
    ActorHost.Builder hostBuilder = ActorHost.builder();
    if (openTelemetry != null) {
      eventsBuilder.openTelemetry(openTelemetry);
      repository.openTelemetry(openTelemetry);
      hostBuilder.openTelemetry(openTelemetry);
    }
    JetStreamEventStore events = track(eventsBuilder.build());
    repository.eventStore(events);
    if (snapshots != null) {
      repository.snapshots(snapshots, one.flowmade.aether.codec.JacksonStateCodec.of(Account.class))
          .snapshotPolicy(one.flowmade.aether.actor.SnapshotPolicy.everyEvents(1_000));
    }
    ActorRepository<Account, Deposited> accounts = repository.build();
    if (meterRegistry != null) {
      hostBuilder.meterRegistry(meterRegistry);
    }
    ActorHost host = track(hostBuilder
        .register(ACCOUNT, accounts, (account, deposit) -> {
          CountDownLatch gate = handlerGate;
          if (gate != null) {
            try {
              gate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (deposit.amount() == SLOW) {
            slowEntered.countDown();
            try {
              slowGate.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          if (deposit.amount() <= 0) {
            throw new IllegalArgumentException("amount must be positive, was " + deposit.amount());
          }
          return List.of(new Deposited(deposit.amount()));
        })
        .mailboxCapacity(mailboxCapacity)
        .passivateAfter(passivateAfter)
        .build());
    ExecutorService pool = Executors.newFixedThreadPool(16);
    track(pool::shutdownNow);
    ClusterNode.Builder nodeBuilder = ClusterNode.builder();
    if (meterRegistry != null) {
      nodeBuilder.meterRegistry(meterRegistry);
    }
    ClusterNode node = track(nodeBuilder
        .connection(connection)
        .clusterName(cluster)
        .nodeId(nodeId)
        .replicas(replicas())
        .shardCount(SHARDS)
        .membershipTtl(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofSeconds(1))
        .leaderLeaseTtl(Duration.ofSeconds(3))
        .leaderRenewInterval(Duration.ofSeconds(1))
        .safetyMargin(Duration.ofSeconds(1))
        .operationTimeout(Duration.ofMillis(800))
        .rebalanceDelay(Duration.ofMillis(300))
        .joinTimeout(Duration.ofSeconds(20))
        .requestTimeout(Duration.ofSeconds(20))
        .messageHandler(host.messageHandler())
        .shardListener(host.shardListener(applicationListener))
        .handlerExecutor(pool)
        .build());
    host.attach(node);
    nodes.put(nodeId, node);
    hosts.put(nodeId, host);
    return node;
  }

  void awaitAllShardsOwned() {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      Set<Integer> owned = new HashSet<>();
      for (ClusterNode node : nodes.values()) {
        owned.addAll(node.activeShards());
      }
      return owned.size() == SHARDS;
    });
  }

  ActorClient client(ClusterNode node) {
    return ActorClient.of(node.router());
  }

  List<Event> stored(String actorId) {
    Connection connection = track(nats().connect());
    JetStreamEventStore events = track(JetStreamEventStore.builder(connection, namespace)
        .replicas(replicas()).build());
    return events.read(actorId, 1).events();
  }

  /** Versions contiguous per actor, and {@code commands} command ids stored once each. */
  void assertEachCommandStoredOnce(List<String> actors, int commands) {
    Map<String, Long> applied = new java.util.HashMap<>();
    for (String actorId : actors) {
      List<Event> events = stored(actorId);
      assertThat(events).extracting(Event::version)
          .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size())
              .boxed().toList());
      for (Event event : events) {
        applied.merge(event.metadata().get(CommandIds.METADATA_KEY).orElseThrow(), 1L, Long::sum);
      }
    }
    assertThat(applied).hasSize(commands);
    assertThat(applied.values().stream().collect(Collectors.toSet())).containsExactly(1L);
  }

  @Test
  void concurrentSendsFromTwoNodes_runOnTheOwnerOneAtATime_everyDepositApplied() throws Exception {
    ClusterNode a = startNode("a", 100);
    ClusterNode b = startNode("b", 100);
    awaitAllShardsOwned();
    List<CompletableFuture<CommandOutcome<Deposited>>> sent = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      ActorClient client = client(i % 2 == 0 ? a : b);
      sent.add(client.sendAsync(ACCOUNT, "acc-1", new Deposit(1), "d-" + i,
          Duration.ofSeconds(20)));
    }
    Set<Long> versions = new HashSet<>();
    Set<String> ranOn = new HashSet<>();
    for (CompletableFuture<CommandOutcome<Deposited>> f : sent) {
      CommandOutcome<Deposited> outcome = f.get(30, TimeUnit.SECONDS);
      assertThat(outcome.status()).isEqualTo(CommandOutcome.Status.APPLIED);
      assertThat(outcome.events()).containsExactly(new Deposited(1));
      versions.add(outcome.version());
      ranOn.add(outcome.node());
    }

    assertThat(versions).hasSize(40);
    assertThat(ranOn).hasSize(1);
    String owner = a.ownsActor("acc-1") ? "a" : "b";
    assertThat(ranOn).containsExactly(owner);
    assertThat(stored("acc-1")).hasSize(40);
  }

  @Test
  void sameCommandIdTwice_isAppliedOnce_andARejectionAppendsNothing() {
    ClusterNode a = startNode("a", 100);
    awaitAllShardsOwned();
    ActorClient client = client(a);

    CommandOutcome<Deposited> first = client.send(ACCOUNT, "acc-2", new Deposit(5), "dep-1",
        Duration.ofSeconds(20));
    CommandOutcome<Deposited> again = client.send(ACCOUNT, "acc-2", new Deposit(5), "dep-1",
        Duration.ofSeconds(20));
    CommandOutcome<Deposited> rejected = client.send(ACCOUNT, "acc-2", new Deposit(-1), "dep-2",
        Duration.ofSeconds(20));

    assertThat(first.status()).isEqualTo(CommandOutcome.Status.APPLIED);
    assertThat(again.status()).isEqualTo(CommandOutcome.Status.ALREADY_APPLIED);
    assertThat(again.version()).isEqualTo(1);
    assertThat(rejected.status()).isEqualTo(CommandOutcome.Status.REJECTED);
    assertThat(rejected.message()).contains("amount must be positive");
    assertThat(stored("acc-2")).hasSize(1);
  }

  @Test
  void fullMailbox_refusesTheCommandClearly() throws Exception {
    ClusterNode a = startNode("a", 1);
    awaitAllShardsOwned();
    ActorClient client = client(a);
    handlerGate = new CountDownLatch(1);
    CompletableFuture<CommandOutcome<Deposited>> blocked =
        client.sendAsync(ACCOUNT, "acc-3", new Deposit(1), "x-1", Duration.ofSeconds(20));
    try {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThatThrownBy(() -> client.send(ACCOUNT, "acc-3", new Deposit(1), "x-2",
              Duration.ofSeconds(5)))
              .isInstanceOf(ActorBusyException.class)
              .hasMessageContaining("mailbox of actor 'acc-3' is full"));
    } finally {
      handlerGate.countDown();
      handlerGate = null;
    }

    assertThat(blocked.get(30, TimeUnit.SECONDS).status())
        .isEqualTo(CommandOutcome.Status.APPLIED);
    assertThat(stored("acc-3")).hasSize(1);
  }

  @Test
  void ownerClosedGracefully_whileSendersKeepSending_everyCommandAppliedOnceWithoutAnError()
      throws Exception {
    startNode("a", 100);
    startNode("b", 100);
    startNode("c", 100);
    awaitAllShardsOwned();
    ClusterRouter sender = ClusterRouter.builder().connection(track(nats().connect()))
        .clusterName(cluster).shardCount(SHARDS).requestTimeout(Duration.ofSeconds(20)).build();
    ActorClient client = ActorClient.of(sender);
    List<String> actors = List.of("g-1", "g-2", "g-3", "g-4", "g-5", "g-6");
    String victim = nodes.entrySet().stream()
        .filter(e -> e.getValue().ownsActor("g-1")).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
    int senders = 4;
    int perSender = 12; // before the close, then again after it has returned
    java.util.concurrent.atomic.AtomicInteger issued =
        new java.util.concurrent.atomic.AtomicInteger();
    CountDownLatch halfway = new CountDownLatch(senders);
    java.util.concurrent.atomic.AtomicBoolean closed =
        new java.util.concurrent.atomic.AtomicBoolean();
    Set<String> g1AnsweredAfterClose = ConcurrentHashMap.newKeySet();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(senders);
    track(pool::shutdownNow);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    for (int s = 0; s < senders; s++) {
      int id = s;
      done.add(CompletableFuture.runAsync(() -> {
        int afterCloseSent = 0;
        for (int i = 0; afterCloseSent < perSender; i++) {
          if (i == perSender) {
            halfway.countDown();
          }
          String actorId = actors.get((id + i) % actors.size());
          String commandId = "g-" + id + "-" + i;
          boolean afterClose = closed.get();
          if (afterClose) {
            afterCloseSent++;
          }
          issued.incrementAndGet();
          try {
            CommandOutcome<Deposited> outcome = client.send(ACCOUNT, actorId, new Deposit(1),
                commandId, Duration.ofSeconds(20));
            if (afterClose && actorId.equals("g-1")) {
              g1AnsweredAfterClose.add(outcome.node());
            }
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
      }, pool));
    }
    assertThat(halfway.await(60, TimeUnit.SECONDS)).isTrue();
    nodes.get(victim).close(); // graceful: running commands finish, its shards are handed over
    closed.set(true);
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

    assertThat(failures).isEmpty();
    assertEachCommandStoredOnce(actors, issued.get());
    assertThat(g1AnsweredAfterClose).isNotEmpty().doesNotContain(victim);
  }

  @Test
  void ownerConnectionKilled_retriesWithTheSameCommandIds_applyEachExactlyOnce()
      throws InterruptedException {
    startNode("a", 100);
    startNode("b", 100);
    ClusterNode c = startNode("c", 100);
    awaitAllShardsOwned();
    ClusterRouter sender = ClusterRouter.builder().connection(track(nats().connect()))
        .clusterName(cluster).shardCount(SHARDS).requestTimeout(Duration.ofSeconds(5)).build();
    ActorClient client = ActorClient.of(sender);
    List<String> actors = List.of("k-1", "k-2", "k-3", "k-4", "k-5", "k-6");
    String victim = nodes.entrySet().stream()
        .filter(e -> e.getValue().ownsActor("k-1")).map(Map.Entry::getKey).findFirst()
        .orElseThrow();

    int commands = 30;
    Set<String> answeredAfterKill = ConcurrentHashMap.newKeySet();
    boolean[] killed = {false};
    for (int i = 0; i < commands; i++) {
      if (i == 10) {
        connections.get(victim).close(); // abrupt: no graceful leave, its lease runs out
        killed[0] = true;
      }
      String actorId = actors.get(i % actors.size());
      String commandId = "cmd-" + i;
      await().atMost(Duration.ofSeconds(60)).ignoreExceptionsInstanceOf(
          AetherTransientException.class).until(() -> {
            CommandOutcome<Deposited> outcome = client.send(ACCOUNT, actorId, new Deposit(1),
                commandId, Duration.ofSeconds(5));
            if (killed[0] && actorId.equals("k-1")) {
              answeredAfterKill.add(outcome.node());
            }
            return outcome.status() != CommandOutcome.Status.REJECTED;
          });
    }

    assertEachCommandStoredOnce(actors, commands);
    assertThat(answeredAfterKill).isNotEmpty().doesNotContain(victim);
    assertThat(c).isNotNull();
  }
}
