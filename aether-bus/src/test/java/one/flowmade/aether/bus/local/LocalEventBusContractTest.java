package one.flowmade.aether.bus.local;

import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.EventBus;
import one.flowmade.aether.testkit.bus.EventBusContract;

final class LocalEventBusContractTest extends EventBusContract {

  @Override
  protected EventBus createBus(BusListener listener) {
    return LocalEventBus.builder().name("contract").listener(listener).build();
  }
}
