package one.flowmade.aether.cluster.actor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.actor.CommandIds;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.cluster.ShardUnavailableException;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hosted actors on a single nats-server (R1), plus the stale-owner fencing test. */
final class HostedActorsIT extends HostedActorsTests {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Override
  NatsServerExtension nats() {
    return NATS;
  }

  @Override
  int replicas() {
    return 1;
  }

  @Test
  void hostListener_forwardsEveryCallToTheApplicationsListener() {
    List<String> seen = new CopyOnWriteArrayList<>();
    applicationListener = new ShardListener() {
      @Override
      public void acquired(int shard, long epoch) {
        seen.add("acquired");
      }

      @Override
      public void released(int shard, long epoch, ReleaseReason reason) {
        seen.add("released");
      }

      @Override
      public void assignmentChanged(ShardAssignment assignment) {
        seen.add("assignmentChanged " + assignment.epoch());
      }
    };
    ClusterNode a = startNode("a", 100);
    awaitAllShardsOwned();
    assertThat(seen).anyMatch(s -> s.startsWith("assignmentChanged "));
    assertThat(seen).contains("acquired");
    a.close();
    assertThat(seen).contains("released");
  }

  @Test
  void meters_countCommandsByOutcome_cachedActors_passivationsAndTheirSnapshots() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    meterRegistry = registry;
    one.flowmade.aether.jetstream.JetStreamSnapshotStore snapshots = track(
        one.flowmade.aether.jetstream.JetStreamSnapshotStore.builder(track(nats().connect()),
            namespace).build());
    ClusterNode a = startNode("a", 100, snapshots, Duration.ofMillis(500));
    awaitAllShardsOwned();
    ActorClient client = client(a);
    for (int i = 1; i <= 3; i++) {
      client.send(ACCOUNT, "x-1", new Deposit(10), "x-" + i, Duration.ofSeconds(20));
    }
    client.send(ACCOUNT, "x-1", new Deposit(10), "x-2", Duration.ofSeconds(20));
    client.send(ACCOUNT, "x-1", new Deposit(0), "x-bad", Duration.ofSeconds(20));

    assertThat(commands(registry, "applied")).isEqualTo(3);
    assertThat(commands(registry, "already_applied")).isEqualTo(1);
    assertThat(commands(registry, "rejected")).isEqualTo(1);
    assertThat(registry.get("aether.actor.commands").tag("outcome", "applied").timer()
        .totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(registry.get("aether.actor.commands.pending").gauge().value()).isZero();
    // the idle actor is evicted, and its snapshot (everyEvents(1000) took none) saved
    // the snapshot counter appears only when the save returns, after the eviction is counted
    await().atMost(Duration.ofSeconds(20))
        .ignoreException(io.micrometer.core.instrument.search.MeterNotFoundException.class)
        .untilAsserted(() -> {
          assertThat(registry.get("aether.actor.cached").tag("type", "account").gauge().value())
              .isZero();
          assertThat(registry.get("aether.actor.passivations").tag("cause", "idle").counter()
              .count()).isEqualTo(1);
          assertThat(registry.get("aether.actor.passivation.snapshots").tag("outcome", "saved")
              .counter().count()).isEqualTo(1);
        });
    client.send(ACCOUNT, "y-1", new Deposit(10), "y-1", Duration.ofSeconds(20));
    assertThat(registry.get("aether.actor.cached").tag("type", "account").gauge().value())
        .isEqualTo(1);

    a.close(); // the release drops the cached actor
    assertThat(registry.get("aether.actor.passivations").tag("cause", "release").counter()
        .count()).isEqualTo(1);
    hosts.get("a").close();
    assertThat(registry.find("aether.actor.commands").meters()).isEmpty();
    assertThat(registry.find("aether.actor.cached").meters()).isEmpty();
    assertThat(registry.find("aether.actor.commands.pending").meters()).isEmpty();
  }

  @Test
  void clientAndClusterMeters_countSendsByOutcome_resends_leaderMembersShardsAndHandoffs() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    meterRegistry = registry;
    ClusterNode a = startNode("a", 100);
    awaitAllShardsOwned();
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(node(registry, "aether.cluster.leader", "a").gauge().value()).isEqualTo(1);
      assertThat(node(registry, "aether.cluster.members", "a").gauge().value()).isEqualTo(1);
    });
    assertThat(node(registry, "aether.cluster.shards.owned", "a").gauge().value())
        .isEqualTo(SHARDS);
    assertThat(node(registry, "aether.cluster.rebalances", "a").counter().count())
        .isGreaterThanOrEqualTo(1);

    ActorClient client = ActorClient.builder(a.router()).meterRegistry(registry).build();
    client.send(ACCOUNT, "m-1", new Deposit(5), "m-1", Duration.ofSeconds(20));
    client.send(ACCOUNT, "m-1", new Deposit(5), "m-1", Duration.ofSeconds(20));
    client.send(ACCOUNT, "m-1", new Deposit(0), "m-bad", Duration.ofSeconds(20));
    assertThat(sends(registry, "applied")).isEqualTo(1);
    assertThat(sends(registry, "already_applied")).isEqualTo(1);
    assertThat(sends(registry, "rejected")).isEqualTo(1);
    assertThat(registry.get("aether.actor.client.sends").tag("outcome", "applied").timer()
        .totalTime(TimeUnit.NANOSECONDS)).isPositive();

    // a second node: a hands shards over (a rebalance on both, timed releases on a)
    double rebalancesBefore = node(registry, "aether.cluster.rebalances", "a").counter().count();
    ClusterNode b = startNode("b", 100);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      assertThat(node(registry, "aether.cluster.members", "a").gauge().value()).isEqualTo(2);
      assertThat(node(registry, "aether.cluster.shards.owned", "a").gauge().value()
          + node(registry, "aether.cluster.shards.owned", "b").gauge().value())
          .isEqualTo(SHARDS);
      assertThat(node(registry, "aether.cluster.shards.owned", "b").gauge().value())
          .isPositive();
    });
    assertThat(node(registry, "aether.cluster.rebalances", "a").counter().count())
        .isGreaterThan(rebalancesBefore);
    Timer handoffs = registry.get("aether.cluster.handoffs").tag("node", "a")
        .tag("reason", "reassigned").timer();
    assertThat(handoffs.count()).isGreaterThanOrEqualTo(b.activeShards().size()).isPositive();
    assertThat(handoffs.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    assertThat(node(registry, "aether.cluster.leader", "a").gauge().value()
        + node(registry, "aether.cluster.leader", "b").gauge().value()).isEqualTo(1);

    // an owner whose host is closed answers "moved": the client sends again until its timeout
    String actor = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "moved-" + i)
        .filter(b::ownsActor).findFirst().orElseThrow();
    hosts.get("b").close();
    assertThatThrownBy(() -> client.send(ACCOUNT, actor, new Deposit(1), "mv-1",
        Duration.ofSeconds(1))).isInstanceOf(ShardUnavailableException.class);
    assertThat(sends(registry, "timeout")).isEqualTo(1);
    assertThat(registry.get("aether.actor.client.resends").tag("type", "account").counter()
        .count()).isGreaterThanOrEqualTo(2);

    // NATS not answering: the heartbeats fail and are counted
    NATS.server().pause();
    try {
      await().atMost(Duration.ofSeconds(20)).ignoreException(
          io.micrometer.core.instrument.search.MeterNotFoundException.class).untilAsserted(() ->
              assertThat(registry.get("aether.cluster.lease.renewal.failures").tag("node", "a")
                  .tag("lease", "membership").counter().count()).isPositive());
    } finally {
      NATS.server().resume();
    }
    a.close();
    b.close();
    assertThat(registry.find("aether.cluster.leader").meters()).isEmpty();
    assertThat(registry.find("aether.cluster.handoffs").meters()).isEmpty();
  }

  @Test
  void routedCommand_sendCommandAppendAndHandler_areOneTrace() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk otel = track(OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
        .build());
    openTelemetry = otel;
    ClusterNode a = startNode("a", 100);
    ClusterNode b = startNode("b", 100);
    await().atMost(Duration.ofSeconds(30)).until(() -> !b.activeShards().isEmpty());
    awaitAllShardsOwned();
    // sent from a, run on b: the trace crosses nodes in the routed request
    String actor = java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "traced-" + i)
        .filter(b::ownsActor).findFirst().orElseThrow();
    ActorClient client = ActorClient.builder(a.router()).openTelemetry(otel).build();
    Span request = otel.getTracer("test").spanBuilder("http request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      assertThat(client.send(ACCOUNT, actor, new Deposit(7), "t-1", Duration.ofSeconds(20))
          .node()).isEqualTo("b");
    } finally {
      request.end();
    }
    JetStreamEventStore store = track(JetStreamEventStore.builder(track(nats().connect()),
        namespace).openTelemetry(otel).build());
    List<one.flowmade.aether.Event> handled = new CopyOnWriteArrayList<>();
    try (one.flowmade.aether.EventSubscription subscription = store.subscribe(
        one.flowmade.aether.SubscriptionOptions.fromBeginning(), handled::add)) {
      await().atMost(Duration.ofSeconds(20)).until(() -> handled.size() == 1
          && !spans(exporter, "aether.handle").isEmpty());
    }

    String traceId = request.getSpanContext().getTraceId();
    SpanData send = only(exporter, "aether.actor.send");
    SpanData command = only(exporter, "aether.actor.command");
    SpanData append = only(exporter, "aether.append");
    SpanData handle = only(exporter, "aether.handle");
    assertThat(List.of(send, command, append, handle)).extracting(SpanData::getTraceId)
        .containsOnly(traceId);
    assertThat(send.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
    assertThat(send.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(command.getParentSpanId()).isEqualTo(send.getSpanId());
    assertThat(command.getAttributes().asMap().toString()).contains("APPLIED");
    assertThat(append.getParentSpanId()).isEqualTo(command.getSpanId());
    assertThat(handle.getParentSpanId()).isEqualTo(command.getSpanId());
    assertThat(handled.get(0).metadata().traceParent()).contains("00-" + traceId + "-"
        + command.getSpanId() + "-" + command.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void sigtermToANodeProcess_withShutdownOnSignal_handsItsShardsOverBeforeItsLeaseExpires()
      throws Exception {
    sigtermHandsTheChildsShardsOver(List.of());
  }

  @Test
  void sigtermToANodeProcess_withOnlyTheBuildersHook_handsItsShardsOverBeforeItsLeaseExpires()
      throws Exception {
    sigtermHandsTheChildsShardsOver(List.of("builder-hook"));
  }

  /**
   * Starts {@link ShutdownChild} with {@code extra} arguments, keeps two senders sending commands
   * with ids to its actors, sends it SIGTERM and checks the shards come over well before the
   * membership TTL, nothing fails and every acknowledged command is stored once.
   */
  private void sigtermHandsTheChildsShardsOver(List<String> extra) throws Exception {
    ClusterNode a = startNode("a", 100);
    awaitAllShardsOwned();
    String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
        .toString();
    long ttlSeconds = 15; // the default membership TTL: what a SIGTERM without the hook waits
    List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-Xmx256m",
        "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
        ShutdownChild.class.getName(), NATS.url(), cluster, namespace.name(), "child",
        Long.toString(ttlSeconds)));
    command.addAll(extra);
    Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
    track(child::destroyForcibly);
    List<String> output = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
          child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          output.add(line);
        }
      } catch (java.io.IOException e) {
        output.add("(output ended: " + e + ")");
      }
    }, "child-output");
    reader.setDaemon(true);
    reader.start();
    await().atMost(Duration.ofSeconds(60)).failFast(() -> !child.isAlive())
        .until(() -> output.contains("READY") && a.activeShards().size() < SHARDS);
    List<String> onChild = java.util.stream.IntStream.range(0, 1_000)
        .mapToObj(i -> "term-" + i).filter(id -> !a.ownsActor(id)).limit(4).toList();
    assertThat(onChild).hasSize(4);

    // senders keep sending to the child's actors while it shuts down
    ActorClient client = client(a);
    List<String> acknowledged = new CopyOnWriteArrayList<>();
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    List<Thread> senders = new java.util.ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread sender = new Thread(() -> {
        while (!stop.get()) {
          int n = next.getAndIncrement();
          String commandId = "term-cmd-" + n;
          try {
            client.send(ACCOUNT, onChild.get(n % onChild.size()), new Deposit(1), commandId,
                Duration.ofSeconds(20));
            acknowledged.add(commandId);
          } catch (RuntimeException e) {
            failures.add(e);
          }
        }
      }, "sender-" + t);
      senders.add(sender);
      sender.start();
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 20);

    long signalled = System.nanoTime();
    // as a platform does (Process.destroy would close the child's output here as well)
    assertThat(new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start()
        .waitFor()).isZero();
    await().atMost(Duration.ofSeconds(ttlSeconds)).until(() -> a.activeShards().size() == SHARDS);
    Duration handover = Duration.ofNanos(System.nanoTime() - signalled);
    assertThat(child.waitFor(20, TimeUnit.SECONDS)).as("child exited; output: %s", output)
        .isTrue();
    int atHandover = acknowledged.size();
    await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= atHandover + 20);
    stop.set(true);
    for (Thread sender : senders) {
      sender.join(30_000);
    }

    System.out.println("SIGTERM handover of the child's shards" + (extra.isEmpty() ? ""
        : " (" + extra + ")") + ": " + handover.toMillis()
        + " ms (membership TTL " + ttlSeconds + " s); " + acknowledged.size()
        + " commands acknowledged");
    assertThat(child.exitValue()).as("exit status after SIGTERM").isEqualTo(128 + 15);
    reader.join(10_000);
    assertThat(output).as("the hook closed the node").anyMatch(l -> l.contains("left cluster"));
    assertThat(handover).isLessThan(Duration.ofSeconds(ttlSeconds / 2));
    assertThat(failures).isEmpty();
    java.util.Map<String, Long> stored = new java.util.HashMap<>();
    for (String actorId : onChild) {
      for (one.flowmade.aether.Event event : stored(actorId)) {
        stored.merge(event.metadata().get(CommandIds.METADATA_KEY).orElseThrow(), 1L, Long::sum);
      }
    }
    assertThat(acknowledged).allSatisfy(id -> assertThat(stored.get(id)).as(id).isEqualTo(1L));
  }

  private static List<SpanData> spans(InMemorySpanExporter exporter, String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
        .toList();
  }

  private static SpanData only(InMemorySpanExporter exporter, String name) {
    List<SpanData> found = spans(exporter, name);
    assertThat(found).as("spans named %s", name).hasSize(1);
    return found.get(0);
  }

  private static io.micrometer.core.instrument.search.RequiredSearch node(
      SimpleMeterRegistry registry, String name, String nodeId) {
    return registry.get(name).tag("node", nodeId);
  }

  private static long sends(SimpleMeterRegistry registry, String outcome) {
    return registry.get("aether.actor.client.sends").tag("type", "account")
        .tag("outcome", outcome).timer().count();
  }

  private static long commands(SimpleMeterRegistry registry, String outcome) {
    return registry.get("aether.actor.commands").tag("type", "account").tag("outcome", outcome)
        .timer().count();
  }

  @Test
  void staleOwner_pausedWhileDeciding_cannotAppendAfterLosingItsShard() throws Exception {
    startNode("a", 100);
    startNode("b", 100);
    awaitAllShardsOwned();
    String victim = nodes.entrySet().stream()
        .filter(e -> e.getValue().ownsActor("f-1")).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
    ClusterNode successor = nodes.get(victim.equals("a") ? "b" : "a");
    Duration slowTimeout = Duration.ofSeconds(15);
    ClusterRouter sender = ClusterRouter.builder().connection(track(nats().connect()))
        .clusterName(cluster).shardCount(SHARDS).requestTimeout(slowTimeout)
        .attemptTimeout(slowTimeout).build();
    ActorClient client = ActorClient.of(sender);
    client.send(ACCOUNT, "f-1", new Deposit(1), "f-0", Duration.ofSeconds(10));

    CompletableFuture<CommandOutcome<Deposited>> stale =
        client.sendAsync(ACCOUNT, "f-1", new Deposit(SLOW), "f-slow", slowTimeout);
    assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
    connections.get(victim).close(); // its lease runs out while its command is deciding
    await().atMost(Duration.ofSeconds(30)).until(() -> successor.ownsActor("f-1"));
    ActorClient fresh = ActorClient.of(successor.router());
    await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(
        AetherTransientException.class).until(() -> fresh.send(ACCOUNT, "f-1", new Deposit(5),
            "f-new", Duration.ofSeconds(5)).status() == CommandOutcome.Status.APPLIED);
    slowGate.countDown();
    await().atMost(Duration.ofSeconds(30)).until(stale::isDone);

    assertThat(stored("f-1")).extracting(e -> e.metadata().get(CommandIds.METADATA_KEY)
        .orElseThrow()).containsExactly("f-0", "f-new");
  }
  @Test
  void commandWaitingOnAClosingOwner_isAnsweredMoved_andTheClientRunsItOnTheNewOwner()
      throws Exception {
    startNode("a", 100);
    startNode("b", 100);
    awaitAllShardsOwned();
    String victim = nodes.entrySet().stream()
        .filter(e -> e.getValue().ownsActor("m-1")).map(Map.Entry::getKey).findFirst()
        .orElseThrow();
    String successor = victim.equals("a") ? "b" : "a";
    Duration timeout = Duration.ofSeconds(20);
    ClusterRouter sender = ClusterRouter.builder().connection(track(nats().connect()))
        .clusterName(cluster).shardCount(SHARDS).requestTimeout(timeout)
        .attemptTimeout(timeout).build();
    ActorClient client = ActorClient.of(sender);
    client.send(ACCOUNT, "m-1", new Deposit(1), "m-0", timeout);

    CompletableFuture<CommandOutcome<Deposited>> running =
        client.sendAsync(ACCOUNT, "m-1", new Deposit(SLOW), "m-slow", timeout);
    assertThat(slowEntered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<CommandOutcome<Deposited>> waiting =
        client.sendAsync(ACCOUNT, "m-1", new Deposit(2), "m-waiting", timeout);
    await().atMost(Duration.ofSeconds(10)).until(() -> hosts.get(victim).pendingCommands() == 2);
    CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> nodes.get(victim).close());
    // The release waits for both commands; the victim stops owning the shard at once.
    await().atMost(Duration.ofSeconds(10)).until(() -> !nodes.get(victim).ownsActor("m-1"));
    slowGate.countDown();

    CommandOutcome<Deposited> ran = running.get(30, TimeUnit.SECONDS);
    CommandOutcome<Deposited> moved = waiting.get(30, TimeUnit.SECONDS);
    closing.get(30, TimeUnit.SECONDS);
    assertThat(ran.status()).isEqualTo(CommandOutcome.Status.APPLIED);
    assertThat(ran.node()).isEqualTo(victim);
    assertThat(moved.status()).isEqualTo(CommandOutcome.Status.APPLIED);
    assertThat(moved.node()).isEqualTo(successor);
    assertThat(moved.version()).isEqualTo(3);
    assertThat(stored("m-1")).extracting(e -> e.metadata().get(CommandIds.METADATA_KEY)
        .orElseThrow()).containsExactly("m-0", "m-slow", "m-waiting");
  }

  @Test
  void commandWaitingLongerThanTheRoutersAttemptTimeout_runsOnce_andItsSenderGetsTheOutcome()
      throws Exception {
    startNode("a", 100);
    awaitAllShardsOwned();
    // A second subscriber on the shard subjects sees every attempt the router sends.
    java.util.concurrent.atomic.AtomicInteger attempts =
        new java.util.concurrent.atomic.AtomicInteger();
    io.nats.client.Connection spy = track(nats().connect());
    spy.createDispatcher(m -> attempts.incrementAndGet())
        .subscribe("aether.cluster." + cluster + ".shard.>");
    spy.flush(Duration.ofSeconds(5));
    java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);
    handlerGate = gate;
    // A router that is on no node: a node's own router runs a command for its own shard
    // without NATS, and so never sends it again.
    ClusterRouter outside = ClusterRouter.builder().connection(track(nats().connect()))
        .clusterName(cluster).shardCount(SHARDS).attemptTimeout(Duration.ofMillis(800)).build();
    CompletableFuture<CommandOutcome<Deposited>> sent = ActorClient.of(outside).sendAsync(ACCOUNT,
        "w-1", new Deposit(7), null, Duration.ofSeconds(30));
    try {
      // The command waits on the owner past the router's attempt timeout (800 ms; jnats ends an
      // attempt at its next request cleanup, within 5 s more), so the router sends it again
      // while the first is still running.
      await().atMost(Duration.ofSeconds(20)).until(() -> attempts.get() >= 2);
    } finally {
      gate.countDown();
      handlerGate = null;
    }

    CommandOutcome<Deposited> outcome = sent.get(30, TimeUnit.SECONDS);
    assertThat(outcome.status()).isEqualTo(CommandOutcome.Status.APPLIED);
    assertThat(outcome.events()).containsExactly(new Deposited(7));
    assertThat(outcome.version()).isEqualTo(1);
    assertThat(stored("w-1")).hasSize(1); // a command without a command id, applied once
  }

  @Test
  void idleActor_isPassivatedWithASnapshot_andTheNextCommandContinuesFromIt() {
    one.flowmade.aether.jetstream.JetStreamSnapshotStore snapshots = track(
        one.flowmade.aether.jetstream.JetStreamSnapshotStore.builder(track(nats().connect()),
            namespace).build());
    ClusterNode a = startNode("a", 100, snapshots, Duration.ofMillis(300));
    awaitAllShardsOwned();
    ActorClient client = client(a);
    for (int i = 1; i <= 3; i++) {
      client.send(ACCOUNT, "p-1", new Deposit(10), "p-" + i, Duration.ofSeconds(20));
    }
    // everyEvents(1000) took no snapshot after the commands; the eviction takes one
    assertThat(hosts.get("a").cachedActors()).isEqualTo(1);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      assertThat(hosts.get("a").cachedActors()).isZero();
      assertThat(snapshots.load("p-1")).hasValueSatisfying(s ->
          assertThat(s.version()).isEqualTo(3));
    });

    CommandOutcome<Deposited> next = client.send(ACCOUNT, "p-1", new Deposit(10), "p-4",
        Duration.ofSeconds(20));
    assertThat(next.version()).isEqualTo(4);
    assertThat(client.send(ACCOUNT, "p-1", new Deposit(10), "p-2", Duration.ofSeconds(20))
        .status()).isEqualTo(CommandOutcome.Status.ALREADY_APPLIED);
    assertThat(stored("p-1")).hasSize(4);
  }

  @Test
  void afterClose_andWhileInterrupted_theHostAndTheClientFollowOneRule() {
    ClusterNode a = startNode("a", 100);
    awaitAllShardsOwned();
    ActorClient client = client(a);
    ActorHost host = hosts.get("a");
    assertThat(client.send(ACCOUNT, "closed-1", new Deposit(1), "c-1", Duration.ofSeconds(20))
        .status()).isEqualTo(CommandOutcome.Status.APPLIED);

    // interrupted while waiting: the flag is set again and the failure is transient
    Thread.currentThread().interrupt();
    assertThatThrownBy(() -> client.send(ACCOUNT, "closed-1", new Deposit(1), "c-2",
        Duration.ofSeconds(20)))
        .isInstanceOf(AetherTransientException.class)
        .hasMessageContaining("interrupted while waiting for the outcome of the command for"
            + " actor 'closed-1'");
    assertThat(Thread.interrupted()).isTrue();

    // close on an interrupted thread does not throw and leaves the flag set
    Thread.currentThread().interrupt();
    host.close();
    assertThat(Thread.interrupted()).isTrue();
    host.close();

    // after close: attaching fails naming the closed host; commands append nothing
    assertThatThrownBy(() -> host.attach(a)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the actor host is closed");
    assertThat(host.cachedActors()).isZero();
    assertThatThrownBy(() -> client.send(ACCOUNT, "closed-1", new Deposit(1), "c-3",
        Duration.ofMillis(500)))
        .isInstanceOf(ShardUnavailableException.class)
        .hasMessageContaining("closed");
    assertThat(stored("closed-1")).hasSizeLessThanOrEqualTo(2);

    // the node closed too: the client fails at once naming it
    a.close();
    assertThatThrownBy(() -> client.send(ACCOUNT, "closed-1", new Deposit(1), "c-4",
        Duration.ofSeconds(20)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node a of cluster " + cluster + " is closed");
  }
}
