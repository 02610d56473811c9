package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.ParkedEvent;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.projection.ProjectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class ProjectionTest {
  private final InMemoryEventStore store = InMemoryEventStore.create(Namespace.of("bank"));
  private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
  private final Map<String, Long> balances = new ConcurrentHashMap<>();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeStore() {
    store.close();
  }

  private void deposit(String account, long amount) {
    store.append(account, ExpectedVersion.any(),
        NewEvent.of("Deposited", Payload.json("{\"amount\":" + amount + "}")));
  }

  private Projection.Builder balances() {
    return Projection.builder().name("balances").eventStore(store).checkpointStore(checkpoints)
        .onAny((Event e, ProjectionContext c) -> {
          if (e.type().equals("Poison")) {
            throw new IllegalStateException("poison at " + c.position());
          }
          seen.add(e.actorId() + "@" + e.version());
          String json = e.data().asUtf8();
          long amount = Long.parseLong(json.replaceAll("\\D", ""));
          balances.merge(e.actorId(), amount, Long::sum);
        });
  }

  @Test
  void catchesUp_goesLive_andResumesFromItsCheckpoint() {
    for (int i = 0; i < 250; i++) {
      deposit("acc-" + (i % 5), 1);
    }
    try (Projection p = balances().batchSize(50).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().state() == ProjectionState.LIVE
          && p.status().position() == 250);
      deposit("acc-0", 10);
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 251);
      assertThat(p.status().lagEvents()).isZero();
      assertThat(p.status().applied()).isEqualTo(251);
    }
    assertThat(balances).containsEntry("acc-0", 60L).containsEntry("acc-1", 50L);
    assertThat(checkpoints.load("balances")).map(Checkpoint::position).contains(251L);
    deposit("acc-1", 5);
    try (Projection again = balances().build()) {
      again.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> again.status().position() == 252);
      assertThat(again.status().applied()).as("resumed, not replayed").isEqualTo(1);
    }
    assertThat(balances).containsEntry("acc-1", 55L);
    for (String acc : List.of("acc-0", "acc-1")) {
      List<String> mine = seen.stream().filter(s -> s.startsWith(acc + "@")).toList();
      for (int i = 0; i < mine.size(); i++) {
        assertThat(mine.get(i)).as("per-actor order").isEqualTo(acc + "@" + (i + 1));
      }
    }
  }

  @Test
  void throwingHandler_byDefaultStopsWithTheErrorAndKeepsTheCheckpointBeforeIt() {
    deposit("a", 1);
    store.append("a", ExpectedVersion.any(), NewEvent.of("Poison", Payload.json("{}")));
    deposit("a", 2);
    try (Projection p = balances().errorPolicy(ErrorPolicy.stop()
        .withRetries(2, Duration.ofMillis(1), Duration.ofMillis(5))).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10))
          .until(() -> p.status().state() == ProjectionState.FAILED);
      assertThat(p.status().position()).isEqualTo(1);
      assertThat(p.status().lastError()).hasValueSatisfying(
          m -> assertThat(m).contains("position 2").contains("poison at 2"));
    }
    assertThat(balances).containsEntry("a", 1L);
  }

  @Test
  void skipAndPark_moveOnButRecordTheEvent() {
    deposit("a", 1);
    store.append("a", ExpectedVersion.any(), NewEvent.of("Poison", Payload.json("{}")));
    deposit("a", 2);
    ErrorPolicy fast = ErrorPolicy.park().withRetries(1, Duration.ZERO, Duration.ofMillis(5));
    try (Projection p = balances().errorPolicy(fast).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 3);
      assertThat(p.status().parked()).isEqualTo(1);
      ParkedEvent parked = p.parked().get(0);
      assertThat(parked.position()).isEqualTo(2);
      assertThat(parked.type()).isEqualTo("Poison");
      assertThat(parked.cause()).contains("poison at 2");
      assertThat(p.retryParked()).isZero();
      assertThat(p.clearParked()).isEqualTo(1);
      assertThat(p.parked()).isEmpty();
    }
    assertThat(balances).containsEntry("a", 3L);
    try (Projection p = Projection.builder().name("skipper").eventStore(store)
        .checkpointStore(checkpoints).onAny((e, c) -> {
          throw new IllegalStateException("always");
        }).errorPolicy(fast.withAction(ErrorPolicy.Action.SKIP)).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 3);
      assertThat(p.status().skipped()).isEqualTo(3);
      assertThat(p.status().lastError()).hasValueSatisfying(m -> assertThat(m).contains("skipped"));
    }
  }

  @Test
  void checkpointAheadOfTheStream_failsTheStartWithAClearError() {
    deposit("a", 1);
    checkpoints.reset("balances", 7);
    try (Projection p = balances().build()) {
      assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("position 7").hasMessageContaining("ends at position 1");
      assertThat(p.status().state()).isEqualTo(ProjectionState.FAILED);
    }
    assertThat(balances).isEmpty();
  }

  @Test
  void resetToTheStart_rebuildsTheReadModel() {
    deposit("a", 1);
    deposit("a", 2);
    try (Projection p = balances().build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 2);
      assertThatThrownBy(() -> p.resetTo(Position.beginning()))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
    }
    balances.clear();
    try (Projection p = balances().build()) {
      p.resetTo(Position.at(2));
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 2
          && p.status().state() == ProjectionState.LIVE);
    }
    assertThat(balances).containsEntry("a", 2L);
  }

  @Test
  void aStaleInstanceIsFencedWhenAnotherClaimsTheCheckpoint() {
    deposit("a", 1);
    try (Projection first = balances().build(); Projection second = balances().build()) {
      first.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> first.status().position() == 1);
      second.start();
      deposit("a", 1);
      await().atMost(Duration.ofSeconds(10))
          .until(() -> first.status().state() == ProjectionState.FAILED);
      assertThat(first.status().lastError()).hasValueSatisfying(
          m -> assertThat(m).contains("claimed by another instance"));
      await().atMost(Duration.ofSeconds(10)).until(() -> second.status().position() == 2);
    }
  }

  @Test
  void invalidInput_isRejectedWithWhatWasWrong() {
    assertThatThrownBy(() -> Projection.builder().name("a.b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a.b'");
    assertThatThrownBy(() -> Projection.builder().name("x").build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("event store is missing");
    assertThatThrownBy(() -> Projection.builder().batchSize(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Projection.builder().partition(3, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void staleOwnerParkingAfterAnotherClaimed_parksNothing_andStopsAsFenced() throws Exception {
    deposit("acc-1", 1);
    java.util.concurrent.CountDownLatch failing = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch fenced = new java.util.concurrent.CountDownLatch(1);
    Projection.Builder poisoned = Projection.builder().name("balances").eventStore(store)
        .checkpointStore(checkpoints)
        .errorPolicy(ErrorPolicy.park().withRetries(2, Duration.ofMillis(10), Duration.ofMillis(10)))
        .onAny((Event e, ProjectionContext c) -> {
          if (e.type().equals("Poison")) {
            failing.countDown();
            if (!fenced.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
              throw new AssertionError("the second claim did not come");
            }
            throw new IllegalStateException("poison at " + c.position());
          }
        });
    try (Projection stale = poisoned.build()) {
      stale.start();
      store.append("acc-1", ExpectedVersion.any(), NewEvent.of("Poison", Payload.json("{}")));
      assertThat(failing.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      checkpoints.claim("balances"); // a new owner takes over while the event fails
      fenced.countDown();

      await().atMost(Duration.ofSeconds(10))
          .until(() -> stale.status().state() == ProjectionState.FAILED);
      assertThat(stale.status().lastError()).get().asString().contains("fenced");
      assertThat(checkpoints.parked("balances")).as("the stale owner's parking entry").isEmpty();
    }
  }
  @Test
  void aSubscriptionStoppedByAnUnreachableServer_isOpenedAgain_andNothingIsSkipped() {
    // The first subscription stops as a JetStream one does when it cannot re-create its
    // consumer (seen under faults in ProjectionFaultInjectionIT): inactive, failure
    // StoreUnavailableException. The projection subscribes again after its last position.
    FirstSubscriptionFails failing = new FirstSubscriptionFails(store);
    for (int i = 1; i <= 10; i++) {
      deposit("a", i);
    }
    try (Projection p = Projection.builder().name("balances").eventStore(failing)
        .checkpointStore(checkpoints).batchSize(1)
        .onAny((e, c) -> seen.add(e.actorId() + "@" + e.version())).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 10);
      failing.stopFirst();
      for (int i = 11; i <= 20; i++) {
        deposit("a", i);
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 20
          || p.status().state() == ProjectionState.FAILED);
      assertThat(p.status().state()).as(p.status().lastError().orElse(""))
          .isNotEqualTo(ProjectionState.FAILED);
      assertThat(failing.subscribes).hasValue(2);
      assertThat(seen).containsExactlyElementsOf(
          java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(v -> "a@" + v).toList());
    }
  }

  /** An event store whose first subscription can be made to stop as an unreachable server does. */
  private static final class FirstSubscriptionFails extends ForwardingEventStore {
    final java.util.concurrent.atomic.AtomicInteger subscribes =
        new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean firstStopped;
    private volatile EventSubscription first;

    FirstSubscriptionFails(EventStore delegate) {
      super(delegate);
    }

    void stopFirst() {
      firstStopped = true;
      first.close();
    }

    @Override
    public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
      EventSubscription s = delegate.subscribe(options, handler);
      if (subscribes.incrementAndGet() > 1) {
        return s;
      }
      first = s;
      return new EventSubscription() {
        @Override
        public Optional<String> name() {
          return s.name();
        }

        @Override
        public long lastPosition() {
          return s.lastPosition();
        }

        @Override
        public boolean isLive() {
          return !firstStopped && s.isLive();
        }

        @Override
        public boolean isActive() {
          return !firstStopped && s.isActive();
        }

        @Override
        public boolean awaitLive(Duration timeout) throws InterruptedException {
          return s.awaitLive(timeout);
        }

        @Override
        public Optional<Throwable> failure() {
          return firstStopped ? Optional.of(new StoreUnavailableException("simulated: could"
              + " not re-create the consumer, no response from the server", null)) : s.failure();
        }

        @Override
        public void close() {
          s.close();
        }
      };
    }
  }
}
