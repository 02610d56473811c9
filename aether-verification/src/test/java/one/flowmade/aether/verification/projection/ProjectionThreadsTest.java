package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.projection.ProjectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The thread a projection applies its events on: Aether's named one, or the user's. */
final class ProjectionThreadsTest {
  private final InMemoryEventStore store = InMemoryEventStore.create(Namespace.of("bank"));
  private final List<String> threads = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    store.close();
  }

  private Projection.Builder recording() {
    store.append("acc-1", ExpectedVersion.any(), NewEvent.of("Deposited", Payload.json("{}")));
    return Projection.builder().name("balances").eventStore(store)
        .checkpointStore(new InMemoryCheckpointStore())
        .onAny((Event e, ProjectionContext c) -> threads.add(Thread.currentThread().getName()
            + (Thread.currentThread().isDaemon() ? " daemon" : "")));
  }

  @Test
  void byDefault_aDaemonThreadNamedForTheProjection() {
    try (Projection p = recording().build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> !threads.isEmpty());
    }
    assertThat(threads).containsExactly("aether-projection-balances daemon");
  }

  @Test
  void aSuppliedFactory_makesTheThread() {
    AtomicInteger made = new AtomicInteger();
    try (Projection p = recording().threadFactory(r -> {
      Thread t = new Thread(r, "app-projections-" + made.incrementAndGet());
      t.setDaemon(true);
      return t;
    }).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> !threads.isEmpty());
    }
    assertThat(made).hasValue(1);
    assertThat(threads).containsExactly("app-projections-1 daemon");
  }

  @Test
  void aFactoryThatMakesNoThread_failsTheStart_andNothingRuns() {
    Projection p = recording().threadFactory(r -> null).build();
    assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("made no thread");
    assertThat(p.state()).isEqualTo(ProjectionState.FAILED);
    p.close();
    assertThat(threads).isEmpty();
  }
}
