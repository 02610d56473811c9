package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.projection.ProjectionState;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A projection's Micrometer meters, as docs/operations.md lists them. */
final class ProjectionMetersTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final InMemoryEventStore store = InMemoryEventStore.create(Namespace.of("bank"));
  private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void closeStore() {
    store.close();
  }

  private void append(String type) {
    store.append("acc-1", ExpectedVersion.any(), NewEvent.of(type, Payload.json("{}")));
  }

  private @Nullable Gauge gauge(String name, String... tags) {
    return registry.find(name).tags("namespace", "bank", "name", "balances").tags(tags).gauge();
  }

  private double value(String name, String... tags) {
    Gauge g = gauge(name, tags);
    assertThat(g).as("gauge %s", name).isNotNull();
    return g.value();
  }

  private double count(String name) {
    FunctionCounter c = registry.find(name).tags("namespace", "bank", "name", "balances")
        .functionCounter();
    assertThat(c).as("counter %s", name).isNotNull();
    return c.count();
  }

  private double state(ProjectionState s) {
    return value("aether.projection.state", "state", s.name().toLowerCase());
  }

  @Test
  void meters_followCatchUp_live_parks_andGoAtClose() throws Exception {
    for (int i = 0; i < 300; i++) {
      append(i == 150 ? "Poison" : "Deposited");
    }
    CountDownLatch reached = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Projection p = Projection.builder().name("balances").eventStore(store)
        .checkpointStore(checkpoints).errorPolicy(ErrorPolicy.park().withRetries(1,
            Duration.ofMillis(1), Duration.ofMillis(1)))
        .batchSize(50).meterRegistry(registry)
        .onAny((Event e, ProjectionContext c) -> {
          if (e.type().equals("Poison")) {
            throw new IllegalStateException("poison at " + c.position());
          }
          if (c.position() == 101) {
            reached.countDown();
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
          }
        }).build();
    assertThat(gauge("aether.projection.position")).as("before start").isNull();
    p.start();
    try {
      assertThat(reached.await(10, TimeUnit.SECONDS)).isTrue();
      // two units of work of 50 committed, the third waits in its handler
      assertThat(value("aether.projection.position")).isEqualTo(100);
      assertThat(value("aether.projection.lag.events")).isEqualTo(200);
      assertThat(state(ProjectionState.CATCHING_UP)).isEqualTo(1);
      assertThat(state(ProjectionState.LIVE)).isZero();
      assertThat(count("aether.projection.events")).isEqualTo(100);
      release.countDown();

      await().atMost(WAIT).until(() -> state(ProjectionState.LIVE) == 1
          && value("aether.projection.position") == 300);
      assertThat(value("aether.projection.lag.events")).isZero();
      assertThat(value("aether.projection.lag.seconds")).isZero();
      assertThat(count("aether.projection.events")).isEqualTo(299);
      assertThat(count("aether.projection.parked")).isEqualTo(1);
      assertThat(count("aether.projection.skipped")).isZero();
      assertThat(state(ProjectionState.CATCHING_UP)).isZero();

      append("Deposited");
      await().atMost(WAIT).until(() -> value("aether.projection.position") == 301);
      assertThat(count("aether.projection.events")).isEqualTo(300);
    } finally {
      release.countDown();
      p.close();
    }
    assertThat(p.state()).isEqualTo(ProjectionState.STOPPED);
    assertThat(registry.find("aether.projection.position").gauge()).as("after close").isNull();
    assertThat(registry.find("aether.projection.state").gauges()).isEmpty();
    assertThat(registry.find("aether.projection.events").functionCounter()).isNull();
  }

  @Test
  void aFailedProjection_showsItsState_untilClosed() {
    append("Deposited");
    append("Poison");
    try (Projection p = Projection.builder().name("balances").eventStore(store)
        .checkpointStore(checkpoints).errorPolicy(ErrorPolicy.stop().withRetries(1,
            Duration.ofMillis(1), Duration.ofMillis(1)))
        .meterRegistry(registry)
        .onAny((Event e, ProjectionContext c) -> {
          if (e.type().equals("Poison")) {
            throw new IllegalStateException("poison");
          }
        }).build()) {
      p.start();
      await().atMost(WAIT).until(() -> p.state() == ProjectionState.FAILED);
      assertThat(state(ProjectionState.FAILED)).isEqualTo(1);
      assertThat(state(ProjectionState.LIVE)).isZero();
      assertThat(value("aether.projection.position")).isEqualTo(1);
      assertThat(value("aether.projection.lag.events")).isEqualTo(1);
    }
    assertThat(registry.find("aether.projection.state").gauges()).isEmpty();
  }
}
