package one.flowmade.aether.verification.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.nats.NatsEventBus;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.verification.checker.CheckReport;
import one.flowmade.aether.verification.checker.HistoryChecker;
import one.flowmade.aether.verification.history.AppendOp;
import one.flowmade.aether.verification.history.Delivery;
import one.flowmade.aether.verification.history.FinalState;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.HistoryEntry;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.Outcome;
import one.flowmade.aether.verification.history.StoredEvent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A NATS server restart (graceful, and SIGKILL) while the event store, the NATS bus and a cluster
 * node are in use on one connection: each recovers on its own, without any call from the
 * application, and the history of what the application saw meanwhile is checked like a
 * fault-injection run's (nothing acknowledged lost or stored twice, subscriptions without gaps).
 * What users see during the outage is printed and documented in {@code docs/verification.md}.
 */
final class ReconnectIT {

  private static final Duration RECOVERY = Duration.ofSeconds(60);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<HistoryEntry> history = new CopyOnWriteArrayList<>();
  private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();
  private final AtomicLong deliveries = new AtomicLong();
  private final AtomicLong okAppends = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean writing = true;

  @AfterEach
  void close() throws Exception {
    writing = false;
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  @Test
  void gracefulRestart_storeBusAndClusterRecoverOnTheirOwn() throws Exception {
    run(false);
  }

  @Test
  void killAndRestart_storeBusAndClusterRecoverOnTheirOwn() throws Exception {
    run(true);
  }

  private void run(boolean kill) throws Exception {
    NatsServer server = track(NatsServer.start());
    Connection nc = track(server.connect());
    Namespace ns = Namespace.of("reconnect");
    JetStreamEventStore store = track(JetStreamEventStore.builder(nc, ns).build());
    NatsEventBus bus = track(NatsEventBus.builder(nc).build());
    List<String> busReceived = new CopyOnWriteArrayList<>();
    track(bus.subscribe(ns, e -> busReceived.add(e.id())));
    ClusterNode node = track(ClusterNode.builder().connection(nc).clusterName("reconnect")
        .nodeId("n1").shardCount(4).heartbeatInterval(Duration.ofSeconds(1))
        .membershipTtl(Duration.ofSeconds(6)).leaderRenewInterval(Duration.ofSeconds(1))
        .leaderLeaseTtl(Duration.ofSeconds(6)).operationTimeout(Duration.ofSeconds(1)).build());
    EventSubscription ephemeral = track(store.subscribe(SubscriptionOptions.fromBeginning(),
        e -> delivered("ephemeral", e)));
    EventSubscription durable = track(store.subscribe(
        SubscriptionOptions.builder().durable("durable").build(), e -> delivered("durable", e)));
    Thread writer = new Thread(() -> write(store), "reconnect-writer");
    writer.start();
    Awaitility.await().atMost(RECOVERY).until(() -> okAppends.get() >= 20
        && node.activeShards().size() == 4);

    Instant down = Instant.now();
    if (kill) {
      server.kill();
    }
    List<String> publishFailures = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (System.nanoTime() - deadline < 0) {
      try {
        bus.publish(BusEvent.of(ns, "bus", "DuringOutage", Payload.json("{}")));
      } catch (RuntimeException e) {
        publishFailures.add(e.getClass().getSimpleName());
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    long okBeforeRestart = okAppends.get();
    server.restart();
    Instant up = Instant.now();

    Awaitility.await("bus delivers again").atMost(RECOVERY).untilAsserted(() -> {
      BusEvent probe = BusEvent.of(ns, "bus", "AfterRestart", Payload.json("{}"));
      bus.publish(probe);
      Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> busReceived.contains(probe.id()));
    });
    Instant busBack = Instant.now();
    Awaitility.await("store appends again").atMost(RECOVERY)
        .until(() -> okAppends.get() > okBeforeRestart + 10);
    Instant storeBack = Instant.now();
    Awaitility.await("cluster node owns its shards again").atMost(RECOVERY)
        .until(() -> node.isMember() && node.leaderElection().leadership().isPresent()
            && node.activeShards().size() == 4);
    Instant clusterBack = Instant.now();
    writing = false;
    writer.join(TimeUnit.SECONDS.toMillis(40));
    long last = store.lastPosition();
    Awaitility.await("subscriptions catch up").atMost(RECOVERY).untilAsserted(() -> {
      StringBuilder state = new StringBuilder();
      boolean caughtUp = true;
      for (EventSubscription sub : List.of(ephemeral, durable)) {
        String name = sub.name().orElse("ephemeral");
        long reached = seen.getOrDefault(name, new AtomicLong()).get();
        caughtUp &= reached >= last;
        state.append(name).append(" reached ").append(reached).append(" (active ")
            .append(sub.isActive()).append(", live ").append(sub.isLive())
            .append(", failure ").append(sub.failure()).append("); ");
      }
      assertThat(caughtUp).as(() -> state + "last position " + last).isTrue();
    });

    FinalState finalState = readAll(store);
    CheckReport report = HistoryChecker.check(History.builder().addAll(history)
        .finalState(finalState).build());
    Map<String, Long> appendErrors = new TreeMap<>();
    history.stream().filter(h -> h instanceof AppendOp a && a.error() != null)
        .map(h -> ((AppendOp) h).error().replaceAll(":.*", ""))
        .forEach(e -> appendErrors.merge(e, 1L, Long::sum));
    long longestAppend = history.stream().filter(h -> h instanceof AppendOp a
            && a.completed() != null)
        .mapToLong(h -> (((AppendOp) h).completed().nanos() - h.start().nanos()) / 1_000_000)
        .max().orElse(0);
    System.out.printf("%s restart: bus delivered again after %d ms, store appended"
            + " again after %d ms, cluster owned its shards again after %d ms (from the restart)%n"
            + "  bus publishes during the outage: %d failed %s%n  errors seen by appends: %s,"
            + " longest append %d ms%n  %s%n",
        kill ? "SIGKILL +" : "graceful", millis(up, busBack), millis(up, storeBack),
        millis(up, clusterBack), publishFailures.size(), publishFailures.stream().distinct()
            .toList(), appendErrors, longestAppend, report.statistics());
    assertThat(millis(down, up)).isPositive();
    report.assertValid();
  }

  private void delivered(String subscription, Event event) {
    history.add(new Delivery(subscription + "/" + deliveries.incrementAndGet(), "test",
        subscription, Moment.now(), event.position(), event.actorId(), event.version(),
        event.id()));
    seen.computeIfAbsent(subscription, s -> new AtomicLong())
        .accumulateAndGet(event.position(), Math::max);
  }

  /** Appends with expected versions to a few actors, retrying unknown outcomes, recording all. */
  private void write(JetStreamEventStore store) {
    Map<String, Long> known = new ConcurrentHashMap<>();
    while (writing) {
      String actor = "actor-" + sequence.get() % 3;
      long seq = sequence.incrementAndGet();
      NewEvent event = new NewEvent("r-" + seq, "Tick", Instant.now(), Metadata.empty(),
          Payload.json("{\"seq\":" + seq + "}"));
      long expected = known.getOrDefault(actor, 0L);
      AppendOp op = AppendOp.invoke("op-" + seq, "test", actor, expected, List.of(event.id()),
          Moment.now());
      boolean maybeStored = false;
      String error = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      AppendOp done = null;
      while (done == null) {
        try {
          AppendResult r = store.append(actor, ExpectedVersion.exactly(expected), event);
          done = op.ok(Moment.now(), r.firstVersion(), r.lastVersion());
          known.put(actor, r.lastVersion());
          okAppends.incrementAndGet();
        } catch (VersionConflictException e) {
          done = op.conflict(Moment.now(), e.actualVersion(), e.toString());
          known.put(actor, e.actualVersion());
        } catch (StoreUnavailableException e) {
          error = e.toString();
        } catch (AetherTransientException e) {
          maybeStored = true;
          error = e.toString();
        }
        if (done == null && System.nanoTime() - deadline > 0) {
          done = maybeStored ? op.unknown(Moment.now(), error) : op.failed(Moment.now(), error);
        }
      }
      if (error != null && done.outcome() == Outcome.OK) {
        done = new AppendOp(done.id(), done.process(), done.actorId(), done.expected(),
            done.eventIds(), done.invoked(), done.completed(), done.outcome(),
            done.firstVersion(), done.lastVersion(), done.actualVersion(), error);
      }
      history.add(done);
      pace();
    }
  }

  /** Paces the writer so that the run stays small; not a synchronisation. */
  private static void pace() {
    try {
      TimeUnit.MILLISECONDS.sleep(20);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static FinalState readAll(JetStreamEventStore store) {
    List<StoredEvent> events = new ArrayList<>();
    Position from = Position.beginning();
    while (true) {
      ReadResult page = store.readAll(from, 500);
      assertThat(page.undecodable()).isEmpty();
      page.events().forEach(e -> events.add(
          new StoredEvent(e.actorId(), e.version(), e.id(), e.position())));
      if (page.isEmpty()) {
        return new FinalState(events);
      }
      from = page.next();
    }
  }

  private static long millis(Instant from, Instant to) {
    return Duration.between(from, to).toMillis();
  }
}
