package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.CheckpointFencedException;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.ParkedEvent;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionInfo;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.projection.Projections;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The parking list kept in KV across restarts, and the {@link Projections} entry, on nats-server. */
final class ProjectionsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static NatsServer nats;
  private static Connection first;
  private static Connection second;

  @BeforeAll
  static void start() throws Exception {
    nats = NatsServer.start();
    first = nats.connect();
    second = nats.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    first.close();
    second.close();
    nats.close();
  }

  private static void append(EventStore store, String actor, String type) {
    store.append(actor, ExpectedVersion.any(), NewEvent.of(type, Payload.json("{}")));
  }

  private static Projection.Builder parking(EventStore store, KvCheckpointStore checkpoints,
      AtomicBoolean fixed) {
    return Projection.builder().name("ledger").eventStore(store).checkpointStore(checkpoints)
        .errorPolicy(ErrorPolicy.park().withRetries(1, Duration.ZERO, Duration.ofMillis(1)))
        .onAny((e, c) -> {
          if (e.type().equals("Poison") && !fixed.get()) {
            throw new IllegalStateException("cannot apply " + c.position() + " yet");
          }
        });
  }

  @Test
  void parkedEvents_surviveARestart_andCanBeRetriedAndCleared() {
    Namespace ns = Namespace.of("parking");
    AtomicBoolean fixed = new AtomicBoolean();
    try (EventStore store = JetStreamEventStore.builder(first, ns).build()) {
      append(store, "a", "Deposited");
      append(store, "a", "Poison");
      append(store, "b", "Poison");
      append(store, "a", "Deposited");
      try (Projection p = parking(store, KvCheckpointStore.open(first, ns), fixed).build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.status().position() == 4);
        assertThat(p.status().parked()).isEqualTo(2);
      }
      KvCheckpointStore afterRestart = KvCheckpointStore.open(second, ns);
      try (Projection p = parking(store, afterRestart, fixed).build()) {
        assertThat(p.parked()).extracting(ParkedEvent::position).containsExactly(2L, 3L);
        assertThat(p.parked().get(0).cause()).contains("cannot apply 2 yet");
        assertThat(p.parked().get(1).actorId()).isEqualTo("b");
        p.start();
        await().atMost(WAIT).until(() -> p.state() == ProjectionState.LIVE);
        assertThat(p.status().parked()).isEqualTo(2);
        fixed.set(true);
        assertThat(p.retryParked()).isEqualTo(2);
        assertThat(p.parked()).isEmpty();
        assertThat(p.status().position()).as("a retry does not move the checkpoint").isEqualTo(4);
      }
      fixed.set(false);
      append(store, "c", "Poison");
      try (Projection p = parking(store, afterRestart, fixed).build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.status().parked() == 1);
        Projections admin = Projections.of(KvCheckpointStore.open(first, ns), store).register(p);
        assertThat(admin.parked("ledger")).extracting(ParkedEvent::position).containsExactly(5L);
        assertThat(admin.clearParked("ledger")).isEqualTo(1);
        assertThat(p.parked()).isEmpty();
      }
    }
  }

  @Test
  void projections_listResetAndRefuseToResetARunningOne() {
    Namespace ns = Namespace.of("admin");
    try (EventStore store = JetStreamEventStore.builder(first, ns).build()) {
      for (int i = 0; i < 10; i++) {
        append(store, "acc-" + i, "Deposited");
      }
      Instant middle = store.readAll(Position.at(6), 1).events().get(0).timestamp();
      KvCheckpointStore checkpoints = KvCheckpointStore.open(first, ns);
      Projection.Builder counter = Projection.builder().name("counter").eventStore(store)
          .checkpointStore(checkpoints).onAny((e, c) -> { });
      Projections admin = Projections.of(KvCheckpointStore.open(second, ns), store);
      try (Projection p = counter.build(); Projection elsewhere = Projection.builder()
          .name("other").eventStore(store).checkpointStore(checkpoints).onAny((e, c) -> { })
          .build()) {
        admin.register(p);
        p.start();
        elsewhere.start();
        await().atMost(WAIT).until(() -> p.status().position() == 10
            && elsewhere.status().position() == 10);
        append(store, "acc-0", "Deposited");
        await().atMost(WAIT).until(() -> p.status().position() == 11);
        List<ProjectionInfo> all = admin.list();
        assertThat(all).extracting(ProjectionInfo::key).containsExactly("counter", "other");
        ProjectionInfo info = all.get(0);
        assertThat(info.position()).isEqualTo(11);
        assertThat(info.epoch()).isEqualTo(1);
        assertThat(info.lagEvents()).isZero();
        assertThat(info.parked()).isZero();
        assertThat(info.state()).contains(ProjectionState.LIVE);
        assertThat(all.get(1).state()).as("not registered here").isEqualTo(Optional.empty());

        assertThatThrownBy(() -> admin.reset("counter", Position.beginning()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        assertThatThrownBy(() -> admin.reset("nope", Position.beginning()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope")
            .hasMessageContaining("counter");

        assertThat(admin.reset("other", Position.at(3))).isEqualTo(2);
        append(store, "acc-1", "Deposited");
        await().atMost(WAIT).until(() -> elsewhere.state() == ProjectionState.FAILED);
        assertThat(elsewhere.status().lastError()).hasValueSatisfying(m -> assertThat(m)
            .contains(CheckpointFencedException.class.getSimpleName()));
        await().atMost(WAIT).until(() -> p.status().position() == 12);
      }
      assertThat(admin.reset("counter", middle)).isEqualTo(5);
      assertThat(admin.info("counter")).hasValueSatisfying(i -> {
        assertThat(i.position()).isEqualTo(5);
        assertThat(i.lagEvents()).isEqualTo(7);
        assertThat(i.state()).contains(ProjectionState.STOPPED);
      });
      try (Projection again = counter.build()) {
        again.start();
        await().atMost(WAIT).until(() -> again.status().position() == 12);
        assertThat(again.status().applied()).isEqualTo(7);
      }
    }
  }
}
