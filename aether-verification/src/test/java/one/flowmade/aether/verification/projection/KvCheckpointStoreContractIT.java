package one.flowmade.aether.verification.projection;

import io.nats.client.Connection;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.projection.CheckpointStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

final class KvCheckpointStoreContractIT extends CheckpointStoreContract {
  private static NatsServer nats;
  private static Connection first;
  private static Connection second;
  private static KvCheckpointStore store;
  private static KvCheckpointStore other;

  @BeforeAll
  static void startNats() throws Exception {
    nats = NatsServer.start();
    first = nats.connect();
    second = nats.connect();
    store = KvCheckpointStore.open(first, Namespace.of("contract"));
    other = KvCheckpointStore.open(second, Namespace.of("contract"));
  }

  @AfterAll
  static void stopNats() throws Exception {
    first.close();
    second.close();
    nats.close();
  }

  @Override
  protected CheckpointStore store() {
    return store;
  }

  @Override
  protected CheckpointStore secondInstance() {
    return other;
  }
}
