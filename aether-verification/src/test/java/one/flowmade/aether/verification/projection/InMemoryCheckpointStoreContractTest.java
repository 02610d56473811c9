package one.flowmade.aether.verification.projection;

import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.testkit.projection.CheckpointStoreContract;

final class InMemoryCheckpointStoreContractTest extends CheckpointStoreContract {
  private final InMemoryCheckpointStore store = new InMemoryCheckpointStore();

  @Override
  protected CheckpointStore store() {
    return store;
  }
}
