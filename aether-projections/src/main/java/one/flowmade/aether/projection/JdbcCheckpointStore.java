package one.flowmade.aether.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import one.flowmade.aether.AetherTransientException;

/**
 * Checkpoints in a SQL table (tested on PostgreSQL; the statements use {@code INSERT ... ON
 * CONFLICT}), written in the same transaction as the handlers' effects: the handlers of a batch
 * run on {@link CheckpointStore.Transaction#connection()}, and the checkpoint row is updated and
 * the transaction committed together, so the read model's rows and the checkpoint commit or roll
 * back as one — exactly-once effects.
 *
 * <p>Fencing: the table has an {@code owner_epoch} column; {@link #claim(String)} increases it
 * ({@link #claim(String, long)} sets it, never lower), and a
 * commit updates the row only {@code WHERE owner_epoch = <its epoch>}. A stale owner's commit
 * updates no row, is rolled back with all its effects and fails with {@link
 * CheckpointFencedException}.
 *
 * <p>The table ({@code aether_projection_checkpoint} unless named otherwise) is created if it does
 * not exist, and beside it {@code <table>_parked}, the parking list ({@link ErrorPolicy#park()}):
 * one row per parked event, primary key {@code (name, position)}. Only a {@link DataSource} is needed: use a pool (HikariCP) in production. Thread-safe;
 * methods block on the database; a database that cannot be reached is an {@link
 * AetherTransientException} and nothing is committed, except when the connection is lost during
 * the COMMIT itself: then the database decides, and effects and checkpoint still commit or roll
 * back together, so a restart resumes from whichever checkpoint is stored.
 */
public final class JdbcCheckpointStore implements CheckpointStore {
  private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]{0,55}");

  private final DataSource dataSource;
  private final String table;
  private final String parkedTable;

  private JdbcCheckpointStore(DataSource dataSource, String table) {
    this.dataSource = dataSource;
    this.table = table;
    this.parkedTable = table + "_parked";
  }

  /**
   * Opens the store on the default table, creating the table if needed.
   *
   * @param dataSource where the read model and the checkpoints live
   * @return the store
   * @throws AetherTransientException if the database could not be reached
   */
  public static JdbcCheckpointStore open(DataSource dataSource) {
    return open(dataSource, "aether_projection_checkpoint");
  }

  /**
   * Opens the store on a table, creating the table if needed.
   *
   * @param dataSource where the read model and the checkpoints live
   * @param table the table name: lower-case letters, digits and {@code '_'}, at most 56 (the
   *     parking list's table adds {@code _parked})
   * @return the store
   * @throws IllegalArgumentException if the table name is not valid
   * @throws AetherTransientException if the database could not be reached
   */
  public static JdbcCheckpointStore open(DataSource dataSource, String table) {
    Objects.requireNonNull(dataSource, "dataSource");
    Objects.requireNonNull(table, "table");
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException("checkpoint table name '" + table + "' is not valid; use"
          + " 1 to 56 lower-case letters, digits or '_', not starting with a digit (the parking"
          + " list's table adds _parked)");
    }
    JdbcCheckpointStore store = new JdbcCheckpointStore(dataSource, table);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS " + table + " (name VARCHAR(512) PRIMARY KEY,"
          + " position BIGINT NOT NULL, owner_epoch BIGINT NOT NULL,"
          + " updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT CURRENT_TIMESTAMP)");
      s.execute("CREATE TABLE IF NOT EXISTS " + store.parkedTable + " (name VARCHAR(512) NOT NULL,"
          + " position BIGINT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,"
          + " actor_id TEXT NOT NULL, cause TEXT NOT NULL,"
          + " parked_at TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY (name, position))");
    } catch (SQLException e) {
      throw store.unavailable("create table " + table, e);
    }
    return store;
  }

  @Override
  public Checkpoint claim(String key) {
    Objects.requireNonNull(key, "key");
    return upsert(key, "INSERT INTO " + table + " (name, position, owner_epoch) VALUES (?, 0, 1)"
        + " ON CONFLICT (name) DO UPDATE SET owner_epoch = " + table + ".owner_epoch + 1,"
        + " updated_at = CURRENT_TIMESTAMP RETURNING position, owner_epoch", -1);
  }

  @Override
  public Checkpoint claim(String key, long epoch) {
    Objects.requireNonNull(key, "key");
    Checkpoints.checkEpoch(epoch);
    String sql = "INSERT INTO " + table + " (name, position, owner_epoch) VALUES (?, 0, ?)"
        + " ON CONFLICT (name) DO UPDATE SET owner_epoch = EXCLUDED.owner_epoch,"
        + " updated_at = CURRENT_TIMESTAMP WHERE " + table + ".owner_epoch <= EXCLUDED.owner_epoch"
        + " RETURNING position, owner_epoch";
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, key);
      s.setLong(2, epoch);
      try (ResultSet r = s.executeQuery()) {
        Checkpoint checkpoint = r.next() ? new Checkpoint(r.getLong(1), r.getLong(2)) : null;
        if (!c.getAutoCommit()) {
          c.commit();
        }
        if (checkpoint == null) {
          throw Checkpoints.higherEpoch(key, epoch,
              load(key).map(Checkpoint::epoch).orElse(-1L));
        }
        return checkpoint;
      }
    } catch (SQLException e) {
      throw unavailable("claim checkpoint '" + key + "' with epoch " + epoch, e);
    }
  }

  @Override
  public Optional<Checkpoint> load(String key) {
    Objects.requireNonNull(key, "key");
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(
            "SELECT position, owner_epoch FROM " + table + " WHERE name = ?")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(new Checkpoint(r.getLong(1), r.getLong(2)))
            : Optional.empty();
      }
    } catch (SQLException e) {
      throw unavailable("load checkpoint '" + key + "'", e);
    }
  }

  @Override
  public void reset(String key, long position) {
    Objects.requireNonNull(key, "key");
    upsert(key, "INSERT INTO " + table + " (name, position, owner_epoch) VALUES (?, ?, 1)"
        + " ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, owner_epoch = "
        + table + ".owner_epoch + 1, updated_at = CURRENT_TIMESTAMP"
        + " RETURNING position, owner_epoch", position);
  }

  @Override
  public SortedMap<String, Checkpoint> list() {
    TreeMap<String, Checkpoint> all = new TreeMap<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT name, position, owner_epoch FROM " + table)) {
      while (r.next()) {
        all.put(r.getString(1), new Checkpoint(r.getLong(2), r.getLong(3)));
      }
    } catch (SQLException e) {
      throw unavailable("list checkpoints", e);
    }
    return Collections.unmodifiableSortedMap(all);
  }

  @Override
  public void park(String key, ParkedEvent event) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(event, "event");
    try (Connection c = dataSource.getConnection()) {
      insertParked(c, key, event);
      if (!c.getAutoCommit()) {
        c.commit();
      }
    } catch (SQLException e) {
      throw unavailable("park position " + event.position() + " of '" + key + "'", e);
    }
  }

  /**
   * Writes the entry in one transaction with the checkpoint row locked ({@code FOR SHARE}) and
   * checked to hold {@code epoch}: a claim waits for the entry, or the entry is refused.
   */
  @Override
  public void park(String key, long epoch, ParkedEvent event) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(event, "event");
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        long held;
        try (PreparedStatement s = c.prepareStatement("SELECT owner_epoch FROM " + table
            + " WHERE name = ? FOR SHARE")) {
          s.setString(1, key);
          try (ResultSet r = s.executeQuery()) {
            held = r.next() ? r.getLong(1) : -1;
          }
        }
        if (held != epoch) {
          c.rollback();
          throw new CheckpointFencedException(key, epoch, held < 0 ? "the checkpoint is gone"
              : "the table holds epoch " + held + "; the parked event was not recorded");
        }
        insertParked(c, key, event);
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    } catch (SQLException e) {
      throw unavailable("park position " + event.position() + " of '" + key + "'", e);
    }
  }

  private void insertParked(Connection c, String key, ParkedEvent event) throws SQLException {
    String sql = "INSERT INTO " + parkedTable + " (name, position, event_id, type, actor_id,"
        + " cause, parked_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (name, position) DO UPDATE"
        + " SET cause = EXCLUDED.cause, parked_at = EXCLUDED.parked_at";
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, key);
      s.setLong(2, event.position());
      s.setString(3, event.eventId());
      s.setString(4, event.type());
      s.setString(5, event.actorId());
      s.setString(6, event.cause());
      s.setTimestamp(7, Timestamp.from(event.parkedAt()));
      s.executeUpdate();
    }
  }

  @Override
  public List<ParkedEvent> parked(String key) {
    Objects.requireNonNull(key, "key");
    List<ParkedEvent> all = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "SELECT position, event_id, type, actor_id, cause, parked_at FROM " + parkedTable
            + " WHERE name = ? ORDER BY position")) {
      s.setString(1, key);
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          all.add(new ParkedEvent(r.getLong(1), r.getString(2), r.getString(3), r.getString(4),
              r.getString(5), r.getTimestamp(6).toInstant()));
        }
      }
    } catch (SQLException e) {
      throw unavailable("list the parked events of '" + key + "'", e);
    }
    return List.copyOf(all);
  }

  @Override
  public boolean unpark(String key, long position) {
    return deleteParked(key, " AND position = ?", position) > 0;
  }

  @Override
  public int clearParked(String key) {
    return deleteParked(key, "", -1);
  }

  private int deleteParked(String key, String where, long position) {
    Objects.requireNonNull(key, "key");
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
        "DELETE FROM " + parkedTable + " WHERE name = ?" + where)) {
      s.setString(1, key);
      if (position >= 0) {
        s.setLong(2, position);
      }
      int n = s.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
      return n;
    } catch (SQLException e) {
      throw unavailable("remove parked events of '" + key + "'", e);
    }
  }

  private Checkpoint upsert(String key, String sql, long position) {
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, key);
      if (position >= 0) {
        s.setLong(2, position);
      }
      try (ResultSet r = s.executeQuery()) {
        r.next();
        Checkpoint checkpoint = new Checkpoint(r.getLong(1), r.getLong(2));
        if (!c.getAutoCommit()) {
          c.commit();
        }
        return checkpoint;
      }
    } catch (SQLException e) {
      throw unavailable("write checkpoint '" + key + "'", e);
    }
  }

  @Override
  public Transaction begin(String key, long epoch) {
    Objects.requireNonNull(key, "key");
    Connection c;
    try {
      c = dataSource.getConnection();
      c.setAutoCommit(false);
    } catch (SQLException e) {
      throw unavailable("begin a transaction for checkpoint '" + key + "'", e);
    }
    return new JdbcTransaction(c, key, epoch);
  }

  private AetherTransientException unavailable(String what, SQLException e) {
    return new AetherTransientException("could not " + what + " in table " + table + ": "
        + e.getMessage(), e);
  }

  private final class JdbcTransaction implements Transaction {
    private final Connection connection;
    private final String key;
    private final long epoch;
    private boolean done;

    JdbcTransaction(Connection connection, String key, long epoch) {
      this.connection = connection;
      this.key = key;
      this.epoch = epoch;
    }

    @Override
    public Optional<Connection> connection() {
      return Optional.of(connection);
    }

    @Override
    public void commit(long position) {
      if (done) {
        throw new IllegalStateException("transaction of checkpoint '" + key + "' already ended");
      }
      try (PreparedStatement s = connection.prepareStatement("UPDATE " + table
          + " SET position = ?, updated_at = CURRENT_TIMESTAMP WHERE name = ? AND owner_epoch = ?")) {
        s.setLong(1, position);
        s.setString(2, key);
        s.setLong(3, epoch);
        if (s.executeUpdate() != 1) {
          rollbackQuietly();
          throw new CheckpointFencedException(key, epoch, "no row of table " + table
              + " holds that epoch; the effects of this transaction were rolled back");
        }
        connection.commit();
        done = true;
      } catch (SQLException e) {
        rollbackQuietly();
        throw unavailable("commit checkpoint '" + key + "' at position " + position, e);
      }
    }

    private void rollbackQuietly() {
      done = true;
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the connection is broken: closing it below discards the transaction
      }
    }

    @Override
    public void close() {
      if (!done) {
        rollbackQuietly();
      }
      try {
        connection.setAutoCommit(true);
      } catch (SQLException ignored) {
        // a broken connection: the pool discards it on close
      }
      try {
        connection.close();
      } catch (SQLException ignored) {
        // nothing left to release
      }
    }
  }
}
