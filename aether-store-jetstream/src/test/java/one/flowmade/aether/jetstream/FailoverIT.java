package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Faults on a three-node cluster with R3 streams: while eight threads append with expected
 * versions to 56 actors, the stream leader is killed (SIGKILL) or paused (SIGSTOP) and later
 * restarted or resumed. Afterwards every acknowledged event is stored exactly once where its
 * acknowledgement said, versions have no gaps or duplicates, nothing whose append failed is
 * stored, and appends work again.
 */
final class FailoverIT {

  private static final Logger LOG = LoggerFactory.getLogger(FailoverIT.class);
  private static final int THREADS = 8;
  private static final int ACTORS_PER_THREAD = 7;
  private static final int MIN_EVENTS = 5000;

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  private static Connection connection;

  @BeforeAll
  static void connect() throws Exception {
    // A short ping interval lets the client notice a paused server and move to another one.
    connection = Nats.connect(NATS.cluster().connectionOptions()
        .pingInterval(Duration.ofSeconds(1)).maxPingsOut(2).build());
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    connection.close();
  }

  @Test
  void killingTheStreamLeader_losesNothingAndStoresNothingTwice() throws Exception {
    runFault("kill", NatsNode::kill, NatsNode::restart);
  }

  @Test
  void pausingTheStreamLeader_losesNothingAndStoresNothingTwice() throws Exception {
    runFault("pause", NatsNode::pause, NatsNode::resume);
  }

  private interface Action {
    void apply(NatsNode node);
  }

  private void runFault(String fault, Action inject, Action heal) throws Exception {
    Namespace namespace = Namespace.of("failover-" + fault + "-"
        + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36));
    NATS.cluster().waitForJetStreamReady();
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace)
        .replicas(3).build()) {
      Load load = new Load(store);
      load.start();
      await().atMost(Duration.ofSeconds(30)).until(() -> load.ackedEvents.get() >= 1000);

      NatsNode leader = NATS.cluster().streamLeader(store.streamName());
      long before = load.ackedEvents.get();
      inject.apply(leader);
      long faultAt = System.nanoTime();
      LOG.info("{}: {} the stream leader {} after {} acknowledged events", fault, fault,
          leader.name(), before);
      await().atMost(Duration.ofSeconds(40)).until(() -> load.ackedEvents.get() >= before + 500);
      long firstAckAfter = load.firstAckAfter(faultAt);
      NatsNode newLeader = NATS.cluster().streamLeader(store.streamName());

      heal.apply(leader);
      NATS.cluster().waitForJetStreamReady();
      long healedAt = load.ackedEvents.get();
      await().atMost(Duration.ofSeconds(40)).until(() -> load.ackedEvents.get()
          >= Math.max(MIN_EVENTS, healedAt + 500));
      load.stop();

      LOG.info("{}: new leader {}; first append started after the fault acknowledged {} ms after"
              + " it; longest pause"
              + " between acknowledgements {} ms; slowest append {} ms; {} appends, {} events"
              + " acknowledged, {} unknown outcomes (all retried), {} unavailable, {} conflicts",
          fault, newLeader.name(), TimeUnit.NANOSECONDS.toMillis(firstAckAfter - faultAt),
          load.longestGapMillis(), TimeUnit.NANOSECONDS.toMillis(load.slowest.get()),
          load.appends.get(), load.ackedEvents.get(), load.unknown.get(), load.unavailable.get(),
          load.conflicts.get());
      verify(store, load);

      AppendResult after = store.append("after-" + fault, ExpectedVersion.noStream(),
          NewEvent.of("Done", Payload.json("{}")));
      assertThat(after.lastVersion()).isEqualTo(1);
    }
  }

  private static void verify(JetStreamEventStore store, Load load) {
    List<Event> all = new ArrayList<>();
    Position next = Position.beginning();
    while (true) {
      ReadResult page = store.readAll(next, 1000);
      assertThat(page.undecodable()).isEmpty();
      if (page.isEmpty()) {
        break;
      }
      all.addAll(page.events());
      next = page.next();
    }
    Set<String> ids = new HashSet<>();
    Map<String, List<Event>> byActor = new HashMap<>();
    for (Event event : all) {
      assertThat(ids.add(event.id())).as("event %s stored once", event.id()).isTrue();
      byActor.computeIfAbsent(event.actorId(), a -> new ArrayList<>()).add(event);
    }
    byActor.forEach((actor, events) -> {
      for (int i = 0; i < events.size(); i++) {
        assertThat(events.get(i).version()).as("version %d of %s", i + 1, actor)
            .isEqualTo(i + 1L);
      }
      assertThat(load.versions.get(actor)).as("acknowledged version of %s", actor)
          .isEqualTo(events.size());
    });
    Map<String, Event> stored = new HashMap<>();
    all.forEach(e -> stored.put(e.id(), e));
    load.acked.forEach((id, expected) -> {
      Event event = stored.get(id);
      assertThat(event).as("acknowledged event %s", id).isNotNull();
      assertThat(event.actorId()).isEqualTo(expected.actorId);
      assertThat(event.version()).isEqualTo(expected.version);
      assertThat(event.position()).isEqualTo(expected.position);
    });
    assertThat(load.failed).as("events whose append failed").noneMatch(stored::containsKey);
    assertThat(all).hasSize(load.acked.size());
    assertThat(all.size()).isGreaterThanOrEqualTo(MIN_EVENTS);
  }

  /** Where an acknowledgement said an event is. */
  private record Stored(String actorId, long version, long position) {}

  /** Eight threads appending to their own actors with exact expected versions. */
  private static final class Load {
    private final JetStreamEventStore store;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, Stored> acked = new ConcurrentHashMap<>();
    private final Set<String> failed = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> versions = new ConcurrentHashMap<>();
    /** Start and end of each acknowledged append, in nanoseconds. */
    private final List<long[]> ackTimes = java.util.Collections.synchronizedList(
        new ArrayList<>());
    private final AtomicLong ackedEvents = new AtomicLong();
    private final AtomicLong appends = new AtomicLong();
    private final AtomicLong unknown = new AtomicLong();
    private final AtomicLong unavailable = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong slowest = new AtomicLong();
    private final List<Throwable> errors = java.util.Collections.synchronizedList(
        new ArrayList<>());

    Load(JetStreamEventStore store) {
      this.store = store;
    }

    void start() {
      for (int t = 0; t < THREADS; t++) {
        List<String> actors = IntStream.range(0, ACTORS_PER_THREAD)
            .mapToObj(i -> "actor-" + i + "-of-" + threads.size()).toList();
        actors.forEach(a -> versions.put(a, 0L));
        Thread thread = new Thread(() -> run(actors), "failover-load-" + t);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(thread.isAlive()).as("%s stopped", thread.getName()).isFalse();
      }
      assertThat(errors).isEmpty();
    }

    /** When the first append that started after {@code nanos} was acknowledged. */
    long firstAckAfter(long nanos) {
      synchronized (ackTimes) {
        return ackTimes.stream().filter(t -> t[0] > nanos).mapToLong(t -> t[1]).min()
            .orElse(Long.MAX_VALUE);
      }
    }

    long longestGapMillis() {
      synchronized (ackTimes) {
        List<Long> sorted = new ArrayList<>(ackTimes.stream().map(t -> t[1]).toList());
        sorted.sort(null);
        long gap = 0;
        for (int i = 1; i < sorted.size(); i++) {
          gap = Math.max(gap, sorted.get(i) - sorted.get(i - 1));
        }
        return TimeUnit.NANOSECONDS.toMillis(gap);
      }
    }

    private void run(List<String> actors) {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int turn = 0;
      while (running.get()) {
        String actor = actors.get(turn++ % actors.size());
        int count = random.nextInt(4) == 0 ? 2 + random.nextInt(2) : 1;
        List<NewEvent> events = IntStream.range(0, count)
            .mapToObj(i -> NewEvent.of("Tick", Payload.json("{\"i\":" + i + "}"))).toList();
        try {
          append(actor, events);
        } catch (RuntimeException | Error e) {
          errors.add(e);
          LOG.error("load thread failed", e);
          return;
        }
      }
    }

    /** Appends, retrying the same events while the outcome is unknown or the store away. */
    private void append(String actor, List<NewEvent> events) {
      ExpectedVersion expected = ExpectedVersion.exactly(versions.get(actor));
      while (true) {
        long start = System.nanoTime();
        try {
          appends.incrementAndGet();
          AppendResult result = store.append(actor, expected, events);
          long now = System.nanoTime();
          slowest.accumulateAndGet(now - start, Math::max);
          for (int i = 0; i < events.size(); i++) {
            acked.put(events.get(i).id(), new Stored(actor, result.firstVersion() + i,
                result.firstPosition() + i));
          }
          versions.put(actor, result.lastVersion());
          ackedEvents.addAndGet(events.size());
          ackTimes.add(new long[] {start, now});
          return;
        } catch (AppendOutcomeUnknownException e) {
          unknown.incrementAndGet();
          LOG.info("unknown outcome, retrying the same append: {}", e.getMessage());
        } catch (StoreUnavailableException e) {
          unavailable.incrementAndGet();
          LOG.info("store unavailable, retrying: {}", e.getMessage());
        } catch (VersionConflictException e) {
          conflicts.incrementAndGet();
          events.forEach(ev -> failed.add(ev.id()));
          throw new AssertionError("no other writer appends to " + actor, e);
        } catch (AetherException e) {
          if (!e.isTransient()) {
            events.forEach(ev -> failed.add(ev.id()));
            throw e;
          }
          LOG.info("transient failure, retrying: {}", e.getMessage());
        }
      }
    }
  }
}
