package one.flowmade.aether.verification.projection;

import io.nats.client.Connection;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.KvReadModel;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.projection.CheckpointStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link KvReadModel} keeps the checkpoint store contract, on nats-server. */
final class KvReadModelContractIT extends CheckpointStoreContract {
  private static NatsServer nats;
  private static Connection first;
  private static Connection second;
  private static KvReadModel store;
  private static KvReadModel other;

  @BeforeAll
  static void startNats() throws Exception {
    nats = NatsServer.start();
    first = nats.connect();
    second = nats.connect();
    store = KvReadModel.open(first, "contract-model");
    other = KvReadModel.open(second, "contract-model");
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
