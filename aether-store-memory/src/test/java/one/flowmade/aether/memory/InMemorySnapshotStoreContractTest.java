package one.flowmade.aether.memory;

import one.flowmade.aether.Namespace;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.testkit.contract.SnapshotStoreContract;

final class InMemorySnapshotStoreContractTest extends SnapshotStoreContract {

  @Override
  protected SnapshotStore createStore(Namespace namespace) {
    return InMemorySnapshotStore.create(namespace);
  }

  @Override
  protected SnapshotStore reopen(SnapshotStore previous) {
    return InMemorySnapshotStore.builder()
        .sharingStateWith((InMemorySnapshotStore) previous)
        .build();
  }
}
