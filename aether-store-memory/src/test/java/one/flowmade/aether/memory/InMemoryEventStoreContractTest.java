package one.flowmade.aether.memory;

import one.flowmade.aether.EventStore;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.testkit.contract.EventStoreContract;

final class InMemoryEventStoreContractTest extends EventStoreContract {

  @Override
  protected EventStore createStore(Namespace namespace) {
    return InMemoryEventStore.create(namespace);
  }

  @Override
  protected EventStore reopen(EventStore previous) {
    return InMemoryEventStore.builder().sharingStateWith((InMemoryEventStore) previous).build();
  }
}
