package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.projection.ProjectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Parked events can be retried with the fixed handlers without running the projection. */
final class ProjectionRetryParkedTest {
  private final InMemoryEventStore store = InMemoryEventStore.create(Namespace.of("bank"));
  private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();
  private final List<String> applied = new CopyOnWriteArrayList<>();
  private volatile boolean fixed;

  @AfterEach
  void closeStore() {
    store.close();
  }

  private Projection.Builder balances() {
    return Projection.builder().name("balances").eventStore(store).checkpointStore(checkpoints)
        .errorPolicy(ErrorPolicy.park().withRetries(1, Duration.ZERO, Duration.ofMillis(5)))
        .onAny((Event e, ProjectionContext c) -> {
          if (e.type().equals("Odd") && !fixed) {
            throw new IllegalStateException("cannot handle Odd at " + c.position());
          }
          applied.add(e.type() + "@" + c.position());
        });
  }

  private void append(String type) {
    store.append("a", ExpectedVersion.any(), NewEvent.of(type, Payload.json("{}")));
  }

  /** Runs until both odd events are parked and everything else applied, then closes it. */
  private Projection runAndPark() {
    append("Even");
    append("Odd");
    append("Even");
    append("Odd");
    Projection p = balances().build();
    p.start();
    await().atMost(Duration.ofSeconds(10)).until(() -> p.status().position() == 4);
    assertThat(p.parked()).hasSize(2);
    p.close();
    return p;
  }

  @Test
  void retryParked_onANewInstance_appliesThem_andLeavesTheCheckpointWhereItWas() {
    runAndPark();
    fixed = true; // the handler is fixed; a new process builds the projection again
    try (Projection again = balances().build()) {
      assertThat(again.retryParked()).isEqualTo(2);
      assertThat(again.parked()).isEmpty();
      assertThat(again.state()).isEqualTo(ProjectionState.NEW);
      again.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> again.state() == ProjectionState.LIVE);
      assertThat(again.status().applied()).as("nothing replayed by the start").isEqualTo(2);
    }
    assertThat(applied).containsExactly("Even@1", "Even@3", "Odd@2", "Odd@4");
    assertThat(checkpoints.load("balances")).map(Checkpoint::position).contains(4L);
  }

  @Test
  void retryParked_onTheStoppedInstance_appliesThem_andKeepsTheOnesThatStillFail() {
    Projection stopped = runAndPark();
    assertThat(stopped.state()).isEqualTo(ProjectionState.STOPPED);
    assertThat(stopped.retryParked()).as("still failing").isZero();
    assertThat(stopped.parked()).hasSize(2)
        .allSatisfy(p -> assertThat(p.cause()).contains("cannot handle Odd"));
    fixed = true;
    assertThat(stopped.retryParked()).isEqualTo(2);
    assertThat(stopped.parked()).isEmpty();
    assertThat(applied).containsExactly("Even@1", "Even@3", "Odd@2", "Odd@4");
    assertThat(checkpoints.load("balances")).map(Checkpoint::position).contains(4L);
  }
}
