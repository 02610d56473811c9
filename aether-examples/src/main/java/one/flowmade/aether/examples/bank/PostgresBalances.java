package one.flowmade.aether.examples.bank;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import javax.sql.DataSource;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.projection.ProjectionContext;

/**
 * Balances in a PostgreSQL table, {@code account_balance(account_id, balance_cents)}, written
 * exactly once per event: with a {@link JdbcCheckpointStore}, each update runs on the
 * transaction's connection ({@link ProjectionContext#requireConnection()}) and commits together
 * with the projection's checkpoint, so a crash or a database outage never applies an event twice
 * or loses one. Thread-safe.
 */
public final class PostgresBalances implements Balances {

  private final DataSource database;

  /**
   * Creates the table if it does not exist.
   *
   * @param database the database of the read model and of the checkpoints
   * @throws SQLException if the database cannot be reached
   */
  public PostgresBalances(DataSource database) throws SQLException {
    this.database = database;
    try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS account_balance (account_id TEXT PRIMARY KEY,"
          + " balance_cents BIGINT NOT NULL)");
    }
  }

  @Override
  public void add(String accountId, long deltaCents, ProjectionContext context)
      throws SQLException {
    // No commit here: the projection commits this row with its checkpoint.
    try (PreparedStatement s = context.requireConnection().prepareStatement(
        "INSERT INTO account_balance (account_id, balance_cents) VALUES (?, ?)"
            + " ON CONFLICT (account_id)"
            + " DO UPDATE SET balance_cents = account_balance.balance_cents + EXCLUDED.balance_cents")) {
      s.setString(1, accountId);
      s.setLong(2, deltaCents);
      s.executeUpdate();
    }
  }

  @Override
  public Map<String, Long> all() {
    Map<String, Long> balances = new TreeMap<>();
    try (Connection c = database.getConnection(); Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT account_id, balance_cents FROM account_balance")) {
      while (rows.next()) {
        balances.put(rows.getString(1), rows.getLong(2));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not read table account_balance: " + e.getMessage(), e);
    }
    return balances;
  }
}
