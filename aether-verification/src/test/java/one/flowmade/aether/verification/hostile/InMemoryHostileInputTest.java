package one.flowmade.aether.verification.hostile;

import one.flowmade.aether.EventStore;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.memory.InMemoryEventStore;

/** The hostile input corpus against the in-memory store. */
final class InMemoryHostileInputTest extends HostileInputContract {

  @Override
  protected EventStore createStore(Namespace namespace) {
    return InMemoryEventStore.create(namespace);
  }
}
