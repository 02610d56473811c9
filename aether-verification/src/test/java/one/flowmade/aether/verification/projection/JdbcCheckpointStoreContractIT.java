package one.flowmade.aether.verification.projection;

import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.testkit.postgres.PostgresServer;
import one.flowmade.aether.testkit.projection.CheckpointStoreContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

final class JdbcCheckpointStoreContractIT extends CheckpointStoreContract {
  private static PostgresServer postgres;
  private static JdbcCheckpointStore store;
  private static JdbcCheckpointStore other;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
    store = JdbcCheckpointStore.open(postgres.dataSource());
    other = JdbcCheckpointStore.open(postgres.dataSource());
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
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
