package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.testkit.contract.EventStoreContract;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The event store contract against a single nats-server (R1 streams). */
final class JetStreamEventStoreContractIT extends EventStoreContract {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static Connection connection;

  @BeforeAll
  static void connect() {
    connection = NATS.connect();
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    connection.close();
  }

  @Override
  protected EventStore createStore(Namespace namespace) {
    return JetStreamEventStore.builder(connection, namespace).build();
  }
}
