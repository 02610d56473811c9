package one.flowmade.aether.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the in-memory snapshot store that the contract suite leaves to implementations. */
final class InMemorySnapshotStoreTest {

  private static final Namespace ORDERS = Namespace.of("orders");

  private final InMemorySnapshotStore store = InMemorySnapshotStore.create(ORDERS);

  @AfterEach
  void closeStore() {
    store.close();
  }

  @Test
  void create_twoStoresOfOneNamespace_doNotShareSnapshots() {
    try (InMemorySnapshotStore other = InMemorySnapshotStore.create(ORDERS)) {
      store.save(snapshot(1));

      assertThat(other.load("order-1")).isEmpty();
    }
  }

  @Test
  void sharingStateWith_seesTheSnapshotsAlsoAfterTheOtherIsClosed() {
    try (InMemorySnapshotStore shared =
        InMemorySnapshotStore.builder().sharingStateWith(store).build()) {
      shared.save(snapshot(2));
      store.close();

      assertThat(shared.namespace()).isEqualTo(ORDERS);
      assertThat(shared.load("order-1")).get().extracting(Snapshot::version).isEqualTo(2L);
    }
  }

  @Test
  void save_theSameSnapshotTwice_savesItOnce() {
    Snapshot snapshot = snapshot(3);

    assertThat(store.save(snapshot)).isTrue();
    assertThat(store.save(snapshot)).isFalse();
    assertThat(store.load("order-1")).containsSame(snapshot);
  }

  @Test
  void builder_withoutOrWithTwoNamespaces_throwsIllegalState() {
    assertThatThrownBy(() -> InMemorySnapshotStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("namespace");
    assertThatThrownBy(() -> InMemorySnapshotStore.builder().namespace(ORDERS).namespace(ORDERS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> InMemorySnapshotStore.builder().sharingStateWith(store)
        .namespace(ORDERS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
  }

  @Test
  void toString_namesTheNamespaceAndWhetherClosed() {
    assertThat(store).hasToString("InMemorySnapshotStore[orders]");
    store.close();
    assertThat(store).hasToString("InMemorySnapshotStore[orders, closed]");
  }

  private static Snapshot snapshot(long version) {
    return new Snapshot("order-1", version, version, Instant.now(), Payload.json("{}"));
  }
}
