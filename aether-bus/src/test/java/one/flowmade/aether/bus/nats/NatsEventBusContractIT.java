package one.flowmade.aether.bus.nats;

import io.nats.client.Connection;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.EventBus;
import one.flowmade.aether.testkit.bus.EventBusContract;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

final class NatsEventBusContractIT extends EventBusContract {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private Connection connection;

  @Override
  protected EventBus createBus(BusListener listener) {
    connection = NATS.connect();
    return NatsEventBus.builder(connection).listener(listener).build();
  }

  @Override
  protected void afterBusClosed(EventBus bus) throws InterruptedException {
    connection.close();
  }
}
