package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import one.flowmade.aether.Namespace;
import one.flowmade.aether.Position;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projections;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A reset of a key the store does not hold says so, on any store. */
final class ProjectionsResetTest {
  private final InMemoryEventStore events = InMemoryEventStore.create(Namespace.of("bank"));

  @AfterEach
  void closeStore() {
    events.close();
  }

  @Test
  void resetOfAnUnknownKey_onAStoreThatCannotList_namesTheKeyAndWhatToDo() {
    InMemoryCheckpointStore memory = new InMemoryCheckpointStore();
    memory.claim("balances");
    Projections projections = Projections.of(new CannotList(memory), events);

    assertThatThrownBy(() -> projections.reset("balance", Position.beginning()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'balance'")
        .hasMessageContaining("no checkpoint")
        .hasMessageContaining("start the projection once")
        .hasMessageContaining("cannot list its keys");
    assertThat(projections.reset("balances", Position.at(1))).isZero();
    assertThatThrownBy(() -> Projections.of(memory, events).reset("balance", Position.beginning()))
        .as("a store that lists names the keys it holds")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("the store holds balances");
  }

  /** A user's store that implements only what it must (list() is optional). */
  private static final class CannotList extends ForwardingCheckpointStore {
    CannotList(CheckpointStore delegate) {
      super(delegate);
    }
  }
}
