package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import java.time.Duration;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.testkit.contract.RetryWindowContract;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The retry-window contract against a single nats-server. */
final class JetStreamRetryWindowContractIT extends RetryWindowContract {

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
  protected EventStore createStore(Namespace namespace, Duration duplicateWindow) {
    return JetStreamEventStore.builder(connection, namespace).duplicateWindow(duplicateWindow)
        .build();
  }
}
