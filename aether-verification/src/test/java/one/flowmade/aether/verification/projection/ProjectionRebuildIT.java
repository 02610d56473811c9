package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionRebuild;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.projection.ProjectionStatus;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Blue/green rebuilds with progress, on a real nats-server (JetStream store, KV checkpoints). */
final class ProjectionRebuildIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static NatsServer nats;
  private static Connection nc;

  @BeforeAll
  static void start() throws Exception {
    nats = NatsServer.start();
    nc = nats.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    nc.close();
    nats.close();
  }

  static void deposit(EventStore store, int count, int accounts) {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pending.add(store.appendAsync("acc-" + (i % accounts), ExpectedVersion.any(),
          List.of(NewEvent.of("Deposited", Payload.json("{\"amount\":1}")))));
      if (pending.size() == 500) {
        pending.forEach(CompletableFuture::join);
        pending.clear();
      }
    }
    pending.forEach(CompletableFuture::join);
  }

  private static Projection.Builder counting(EventStore store, KvCheckpointStore checkpoints,
      String name, Map<String, Long> model) {
    return Projection.builder().name(name).eventStore(store).checkpointStore(checkpoints)
        .batchSize(100).onAny((e, c) -> model.merge(e.actorId(), 1L, Long::sum));
  }

  @Test
  void rebuild_reportsProgressWhileCatchingUp_switchesOnceLive_andClosesTheServingOne()
      throws Exception {
    Namespace ns = Namespace.of("rebuild");
    KvCheckpointStore checkpoints = KvCheckpointStore.open(nc, ns);
    try (EventStore store = JetStreamEventStore.builder(nc, ns).build()) {
      deposit(store, 20_000, 40);
      Map<String, Long> v1 = new ConcurrentHashMap<>();
      Map<String, Long> v2 = new ConcurrentHashMap<>();
      Projection serving = counting(store, checkpoints, "balances", v1).build();
      serving.start();
      await().atMost(WAIT).until(() -> serving.status().state() == ProjectionState.LIVE);

      CountDownLatch gate = new CountDownLatch(1);
      CountDownLatch blocked = new CountDownLatch(1);
      Projection replacement = Projection.builder().name("balances-v2").eventStore(store)
          .checkpointStore(checkpoints).batchSize(100).onAny((e, c) -> {
            if (c.position() == 5_000) {
              blocked.countDown();
              if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
              }
            }
            v2.merge(e.actorId(), 1L, Long::sum);
          }).build();
      List<String> switchedTo = new CopyOnWriteArrayList<>();
      try (ProjectionRebuild rebuild = ProjectionRebuild.builder().serving(serving)
          .replacement(replacement).onSwitch(p -> {
            switchedTo.add(p.name() + " with serving " + serving.state());
          }).build()) {
        rebuild.start();
        assertThat(blocked.await(60, TimeUnit.SECONDS)).isTrue();
        await().atMost(WAIT).until(() -> rebuild.status().position() >= 4_000);
        ProjectionStatus progress = rebuild.status();
        assertThat(rebuild.state()).isEqualTo(ProjectionRebuild.State.REBUILDING);
        assertThat(progress.state()).isEqualTo(ProjectionState.CATCHING_UP);
        assertThat(progress.position()).isLessThan(5_000);
        assertThat(progress.eventsLeft()).isEqualTo(20_000 - progress.position());
        assertThat(progress.eventsPerSecond()).isPositive();
        assertThat(progress.eta()).hasValueSatisfying(eta -> assertThat(eta).isPositive());
        assertThat(serving.state()).as("the old version serves meanwhile")
            .isEqualTo(ProjectionState.LIVE);
        assertThat(switchedTo).isEmpty();

        deposit(store, 100, 40);
        gate.countDown();
        assertThat(rebuild.awaitSwitch(WAIT)).isTrue();
        assertThat(switchedTo).containsExactly("balances-v2 with serving LIVE");
        assertThat(serving.state()).isEqualTo(ProjectionState.STOPPED);
        assertThat(rebuild.state()).isEqualTo(ProjectionRebuild.State.SWITCHED);
        await().atMost(WAIT).until(() -> replacement.status().position() == 20_100);
        assertThat(replacement.status().eta()).contains(Duration.ZERO);
        assertThat(v2).isEqualTo(v1).hasSize(40);
        assertThat(v2.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20_100);
      }
      assertThat(replacement.state()).as("after the switch the replacement is the caller's")
          .isEqualTo(ProjectionState.LIVE);
      replacement.close();
    }
  }

  @Test
  void aFailingReplacement_switchesNothing_andTheServingOneKeepsServing() throws Exception {
    Namespace ns = Namespace.of("rebuild-fail");
    KvCheckpointStore checkpoints = KvCheckpointStore.open(nc, ns);
    try (EventStore store = JetStreamEventStore.builder(nc, ns).build()) {
      deposit(store, 500, 5);
      Map<String, Long> v1 = new ConcurrentHashMap<>();
      try (Projection serving = counting(store, checkpoints, "orders", v1).build()) {
        serving.start();
        Projection broken = Projection.builder().name("orders-v2").eventStore(store)
            .checkpointStore(checkpoints).errorPolicy(ErrorPolicy.stop()
                .withRetries(1, Duration.ZERO, Duration.ofMillis(1))).onAny((e, c) -> {
                  if (c.position() == 250) {
                    throw new IllegalStateException("bad new version at 250");
                  }
                }).build();
        List<Projection> switched = new CopyOnWriteArrayList<>();
        try (ProjectionRebuild rebuild = ProjectionRebuild.builder().serving(serving)
            .replacement(broken).onSwitch(switched::add).build()) {
          rebuild.start();
          assertThat(rebuild.awaitSwitch(WAIT)).isFalse();
          assertThat(rebuild.state()).isEqualTo(ProjectionRebuild.State.FAILED);
          assertThat(rebuild.failure()).hasValueSatisfying(m -> assertThat(m)
              .contains("orders-v2").contains("bad new version at 250")
              .contains("orders keeps serving"));
        }
        assertThat(switched).isEmpty();
        deposit(store, 1, 5);
        await().atMost(WAIT).until(() -> serving.status().position() == 501);
        assertThat(serving.state()).isEqualTo(ProjectionState.LIVE);
      }
    }
  }

  @Test
  void theReplacementNeedsANameOfItsOwn() {
    InMemoryNames names = new InMemoryNames();
    Projection a = names.projection("same");
    Projection b = names.projection("same");
    assertThatThrownBy(() -> ProjectionRebuild.builder().serving(a).replacement(b)
        .onSwitch(p -> { }).build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'same'");
    assertThatThrownBy(() -> ProjectionRebuild.builder().serving(a).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("replacement is missing");
    names.close();
  }

  /** Projections on an in-memory store, for checks that need no server. */
  private static final class InMemoryNames implements AutoCloseable {
    private final one.flowmade.aether.memory.InMemoryEventStore store =
        one.flowmade.aether.memory.InMemoryEventStore.create(Namespace.of("names"));

    Projection projection(String name) {
      return Projection.builder().name(name).eventStore(store)
          .checkpointStore(new one.flowmade.aether.projection.InMemoryCheckpointStore())
          .onAny((e, c) -> { }).build();
    }

    @Override
    public void close() {
      store.close();
    }
  }
}
