package one.flowmade.aether.examples.bank;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionStatus;

/**
 * The bank's balance read model, kept twice by the same handlers ({@link BalanceProjection}):
 *
 * <ul>
 *   <li>in PostgreSQL, with the checkpoint in the same database ({@link JdbcCheckpointStore}):
 *       each batch of balance updates commits in one transaction with the checkpoint, so every
 *       event counts exactly once;
 *   <li>in NATS KV, with the checkpoint in KV too ({@link KvCheckpointStore}): no database, events
 *       are delivered at least once, and {@link KvBalances} ignores positions it already holds.
 * </ul>
 *
 * <p>Run it in one process of the cluster (a second instance of a projection fences the first).
 * Thread-safe; {@link #close()} stops both projections.
 */
public final class BankReadModels implements AutoCloseable {

  /**
   * The NATS KV bucket of the balances. It is the application's own, not one of Aether's: a
   * namespace run under the generated roles declares it ({@code
   * NamespaceResources.withBucket(BALANCES_BUCKET)} in {@code aether-admin}) and its provisioning
   * user creates it.
   */
  public static final String BALANCES_BUCKET = "bank-balances";

  private final EventStore events;
  private final PostgresBalances inPostgres;
  private final KvBalances inKv;
  private final Projection postgres;
  private final Projection kv;

  private BankReadModels(EventStore events, PostgresBalances inPostgres, KvBalances inKv,
      Projection postgres, Projection kv) {
    this.events = events;
    this.inPostgres = inPostgres;
    this.inKv = inKv;
    this.postgres = postgres;
    this.kv = kv;
  }

  /**
   * Starts both projections from their checkpoints.
   *
   * @param events the bank's events; not closed by the read models
   * @param database the PostgreSQL database (a pool: HikariCP)
   * @param nats an open connection for the KV bucket; not closed by the read models
   * @return the running read models
   * @throws Exception if the database or NATS cannot be reached
   */
  public static BankReadModels start(EventStore events, DataSource database, Connection nats)
      throws Exception {
    PostgresBalances inPostgres = new PostgresBalances(database);
    Projection postgres = BalanceProjection.define("balances-postgres", BankNode.CODEC, inPostgres)
        .eventStore(events)
        .checkpointStore(JdbcCheckpointStore.open(database))
        .build();
    KvBalances inKv = new KvBalances(nats, BALANCES_BUCKET);
    Projection kv = BalanceProjection.define("balances-kv", BankNode.CODEC, inKv)
        .eventStore(events)
        .checkpointStore(KvCheckpointStore.open(nats, BankNode.BANK))
        .build();
    postgres.start();
    kv.start();
    return new BankReadModels(events, inPostgres, inKv, postgres, kv);
  }

  /**
   * Waits until both read models hold every event stored now.
   *
   * @param timeout how long to wait at most
   * @return true if both caught up, false if the time ran out
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    long last = events.lastPosition();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (postgres.status().position() < last || kv.status().position() < last) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
    return true;
  }

  /**
   * Reads the balances from PostgreSQL.
   *
   * @return balance in cents by account
   */
  public Map<String, Long> inPostgres() {
    return inPostgres.all();
  }

  /**
   * Reads the balances from NATS KV.
   *
   * @return balance in cents by account
   */
  public Map<String, Long> inKv() {
    return inKv.all();
  }

  /**
   * Returns the status of the PostgreSQL projection.
   *
   * @return its position, lag, state and last error
   */
  public ProjectionStatus postgresStatus() {
    return postgres.status();
  }

  /**
   * Returns the status of the KV projection.
   *
   * @return its position, lag, state and last error
   */
  public ProjectionStatus kvStatus() {
    return kv.status();
  }

  @Override
  public void close() {
    postgres.close();
    kv.close();
  }
}
