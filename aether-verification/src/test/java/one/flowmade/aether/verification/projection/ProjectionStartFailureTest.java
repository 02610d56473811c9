package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Position;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A start whose subscription cannot be opened leaves a projection that can start again or close. */
final class ProjectionStartFailureTest {
  private final InMemoryEventStore store = InMemoryEventStore.create(Namespace.of("bank"));
  private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
  private final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void closeStore() {
    store.close();
  }

  private Projection build(SubscribeFailingStore events) {
    return Projection.builder().name("balances").eventStore(events).checkpointStore(checkpoints)
        .onAny((e, c) -> seen.add(e.actorId() + "@" + e.version())).build();
  }

  private void deposit(String account) {
    store.append(account, ExpectedVersion.any(), NewEvent.of("Deposited", Payload.json("{}")));
  }

  @Test
  void subscribeUnavailable_leavesItNew_withTheError_andAStartAgainRuns() {
    deposit("a");
    deposit("a");
    SubscribeFailingStore events = new SubscribeFailingStore(store, 1,
        () -> new StoreUnavailableException("simulated: no response creating the consumer", null));
    try (Projection p = build(events)) {
      assertThatThrownBy(p::start).isInstanceOf(StoreUnavailableException.class);
      assertThat(p.state()).as("not running: not CATCHING_UP").isEqualTo(ProjectionState.NEW);
      assertThat(p.status().lastError()).get().asString().contains("could not subscribe")
          .contains("no response creating the consumer");

      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 2
          && p.state() == ProjectionState.LIVE);
      assertThat(events.subscribes).hasValue(2);
    }
    assertThat(seen).containsExactly("a@1", "a@2");
  }

  @Test
  void subscribeRefused_failsIt_withTheError_andItCanBeResetAndClosed() {
    deposit("a");
    SubscribeFailingStore events = new SubscribeFailingStore(store, 1,
        () -> PermissionDeniedException.toPublish("$JS.API.CONSUMER.CREATE.AETHER_bank",
            "subscribe to namespace 'bank'", "Permissions Violation for Publish"));
    Projection p = build(events);
    assertThatThrownBy(p::start).isInstanceOf(PermissionDeniedException.class);
    assertThat(p.state()).isEqualTo(ProjectionState.FAILED);
    assertThat(p.status().lastError()).get().asString().contains("refused")
        .contains("CONSUMER.CREATE");
    p.resetTo(Position.beginning()); // refused as 'running' while it claimed to be catching up
    assertThat(checkpoints.load("balances")).map(Checkpoint::position).contains(0L);
    p.close();
    assertThat(p.state()).isEqualTo(ProjectionState.FAILED);
    assertThat(seen).isEmpty();
    assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("build a new one");
  }
}
