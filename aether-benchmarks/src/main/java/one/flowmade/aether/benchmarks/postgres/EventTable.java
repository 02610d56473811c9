package one.flowmade.aether.benchmarks.postgres;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;

/**
 * A plain JDBC event table, as users of Axon's JDBC event store or Occurrent have one: a global
 * position (identity column), {@code (namespace, actor, version)} unique, the event id unique, and
 * the event's type, time, data ({@code bytea}) and metadata (JSON in a {@code bytea}) in columns.
 * The unique constraint is the optimistic concurrency check: an append names the version it
 * writes, and an insert that violates the constraint is a conflict. It is the baseline Aether is
 * compared with, not a product store.
 *
 * <p>The table object is immutable and thread-safe; each method uses the connection it is given,
 * which the caller owns and which must be used by one thread at a time.
 */
public final class EventTable {

  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> MAP = new TypeReference<>() {};
  /** SQLSTATE of a unique-constraint violation. */
  static final String UNIQUE_VIOLATION = "23505";

  private final String table;
  private final String insert;
  private final String readActor;
  private final String readPage;

  /**
   * Names the table.
   *
   * @param table the table name: lower-case letters, digits and {@code _}
   * @throws IllegalArgumentException if the name has other characters
   */
  public EventTable(String table) {
    if (!NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("table name must be lower-case letters, digits and '_',"
          + " was '" + table + "'");
    }
    this.table = table;
    this.insert = "INSERT INTO " + table + " (namespace, actor, version, event_id, event_type,"
        + " event_time, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
    this.readActor = "SELECT position, version, event_id, event_type, event_time, data, metadata"
        + " FROM " + table + " WHERE namespace = ? AND actor = ? AND version >= ?"
        + " ORDER BY version";
    this.readPage = "SELECT position, actor, version, event_id, event_type, event_time, data,"
        + " metadata FROM " + table + " WHERE namespace = ? AND position > ?"
        + " ORDER BY position LIMIT ?";
  }

  /**
   * Returns the table name.
   *
   * @return the name
   */
  public String name() {
    return table;
  }

  /**
   * Creates the table and its constraints.
   *
   * @param c a connection in auto-commit mode
   * @throws SQLException if the table exists or the statement fails
   */
  public void create(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE " + table + " ("
          + " position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
          + " namespace text NOT NULL,"
          + " actor text NOT NULL,"
          + " version bigint NOT NULL,"
          + " event_id text NOT NULL UNIQUE,"
          + " event_type text NOT NULL,"
          + " event_time timestamptz NOT NULL,"
          + " data bytea NOT NULL,"
          + " metadata bytea NOT NULL,"
          + " UNIQUE (namespace, actor, version))");
    }
  }

  /**
   * Appends one event as the actor's version {@code version}, in its own transaction (the
   * connection is in auto-commit mode).
   *
   * @param c the connection, in auto-commit mode
   * @param namespace the namespace
   * @param actor the actor
   * @param version the version the event becomes; the actor must be at {@code version - 1}
   * @param event the event
   * @return true if appended, false if the actor already has that version (a conflict)
   * @throws SQLException if the insert fails for another reason
   */
  public boolean append(Connection c, String namespace, String actor, long version,
      NewEvent event) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      bind(ps, namespace, actor, version, event);
      ps.executeUpdate();
      return true;
    } catch (SQLException e) {
      if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
        return false;
      }
      throw e;
    }
  }

  /**
   * Appends events in one transaction with one JDBC batch (one round trip), each naming the
   * version it writes. All or none are appended.
   *
   * @param c the connection; its auto-commit mode is restored afterwards
   * @param namespace the namespace
   * @param appends the events and where they go
   * @return true if all were appended, false if any version was taken (a conflict: none was
   *     appended)
   * @throws SQLException if the batch fails for another reason
   */
  public boolean appendBatch(Connection c, String namespace, List<Append> appends)
      throws SQLException {
    boolean auto = c.getAutoCommit();
    c.setAutoCommit(false);
    try (PreparedStatement ps = c.prepareStatement(insert)) {
      for (Append a : appends) {
        bind(ps, namespace, a.actor(), a.version(), a.event());
        ps.addBatch();
      }
      ps.executeBatch();
      c.commit();
      return true;
    } catch (SQLException e) {
      c.rollback();
      if (isUniqueViolation(e)) {
        return false;
      }
      throw e;
    } finally {
      c.setAutoCommit(auto);
    }
  }

  private static boolean isUniqueViolation(SQLException e) {
    if (UNIQUE_VIOLATION.equals(e.getSQLState())) {
      return true;
    }
    SQLException next = e instanceof BatchUpdateException ? e.getNextException() : null;
    return next != null && UNIQUE_VIOLATION.equals(next.getSQLState());
  }

  /**
   * One event of a batch and the version it becomes.
   *
   * @param actor the actor
   * @param version the version the event becomes
   * @param event the event
   */
  public record Append(String actor, long version, NewEvent event) {}

  /**
   * Updates the planner's statistics of the table ({@code ANALYZE}), as autovacuum keeps them
   * for a long-lived table; without them a fresh table's catch-up query may sort the whole
   * namespace for every page instead of walking the position index.
   *
   * @param c a connection in auto-commit mode
   * @throws SQLException if the statement fails
   */
  public void analyze(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("ANALYZE " + table);
    }
  }

  /**
   * Returns the top line of the plan PostgreSQL chooses for a catch-up page from the beginning.
   *
   * @param c the connection
   * @param namespace the namespace
   * @param limit the page size
   * @return the plan's top node, such as {@code Limit (cost=...)} followed by its first child
   * @throws SQLException if the query fails
   */
  public String pagePlan(Connection c, String namespace, int limit) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + readPage)) {
      ps.setString(1, namespace);
      ps.setLong(2, 0);
      ps.setInt(3, limit);
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = ps.executeQuery()) {
        for (int line = 0; line < 2 && rs.next(); line++) {
          plan.append(line == 0 ? "" : " → ").append(rs.getString(1).replace("->", "").trim()
              .replaceAll("\\s*\\(cost=.*", ""));
        }
      }
      return plan.toString();
    }
  }

  /**
   * Returns the actor's highest version, 0 if it has no events.
   *
   * @param c the connection
   * @param namespace the namespace
   * @param actor the actor
   * @return the version
   * @throws SQLException if the query fails
   */
  public long lastVersion(Connection c, String namespace, String actor) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(version), 0) FROM "
        + table + " WHERE namespace = ? AND actor = ?")) {
      ps.setString(1, namespace);
      ps.setString(2, actor);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Reads an actor's events from a version on, in version order, decoded into {@link Event}s
   * (metadata parsed from its JSON) as a store adapter would.
   *
   * @param c the connection
   * @param namespace the namespace
   * @param actor the actor
   * @param fromVersion the first version to read
   * @return the events
   * @throws SQLException if the query fails
   */
  public List<Event> read(Connection c, String namespace, String actor, long fromVersion)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(readActor)) {
      ps.setString(1, namespace);
      ps.setString(2, actor);
      ps.setLong(3, fromVersion);
      List<Event> events = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(new Event(rs.getString(3), rs.getString(4), actor, rs.getLong(2),
              rs.getObject(5, OffsetDateTime.class).toInstant(), metadata(rs.getBytes(7)),
              Payload.json(rs.getBytes(6)), rs.getLong(1)));
        }
      }
      return events;
    }
  }

  /**
   * Reads the namespace's events after a position, in position order, at most {@code limit} of
   * them: one page of a catch-up (tracking) reader.
   *
   * @param c the connection
   * @param namespace the namespace
   * @param afterPosition the last position already read, 0 for the beginning
   * @param limit the page size
   * @return the events
   * @throws SQLException if the query fails
   */
  public List<Event> page(Connection c, String namespace, long afterPosition, int limit)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(readPage)) {
      ps.setString(1, namespace);
      ps.setLong(2, afterPosition);
      ps.setInt(3, limit);
      List<Event> events = new ArrayList<>(limit);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          events.add(new Event(rs.getString(4), rs.getString(5), rs.getString(2), rs.getLong(3),
              rs.getObject(6, OffsetDateTime.class).toInstant(), metadata(rs.getBytes(8)),
              Payload.json(rs.getBytes(7)), rs.getLong(1)));
        }
      }
      return events;
    }
  }

  private static void bind(PreparedStatement ps, String namespace, String actor, long version,
      NewEvent event) throws SQLException {
    ps.setString(1, namespace);
    ps.setString(2, actor);
    ps.setLong(3, version);
    ps.setString(4, event.id());
    ps.setString(5, event.type());
    // timestamptz keeps microseconds and rounds what is finer; truncate here so that every event
    // reads back as its time truncated to microseconds, whatever its nanoseconds.
    ps.setObject(6, OffsetDateTime.ofInstant(event.timestamp().truncatedTo(ChronoUnit.MICROS),
        ZoneOffset.UTC));
    ps.setBytes(7, event.data().toByteArray());
    try {
      ps.setBytes(8, JSON.writeValueAsBytes(event.metadata().asMap()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the metadata as JSON", e);
    }
  }

  private static Metadata metadata(byte[] json) {
    try {
      return Metadata.of(JSON.readValue(json, MAP));
    } catch (IOException e) {
      throw new UncheckedIOException("stored metadata is not a JSON object of strings", e);
    }
  }
}
