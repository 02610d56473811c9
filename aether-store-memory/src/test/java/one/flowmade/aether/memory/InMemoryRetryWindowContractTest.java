package one.flowmade.aether.memory;

import java.time.Duration;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.testkit.contract.RetryWindowContract;

final class InMemoryRetryWindowContractTest extends RetryWindowContract {

  @Override
  protected EventStore createStore(Namespace namespace, Duration duplicateWindow) {
    return InMemoryEventStore.builder().namespace(namespace).duplicateWindow(duplicateWindow)
        .build();
  }
}
