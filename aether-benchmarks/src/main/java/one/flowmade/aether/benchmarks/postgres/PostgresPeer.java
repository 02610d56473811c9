package one.flowmade.aether.benchmarks.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;
import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.benchmarks.nats.Sizes;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.postgres.PostgresServer;

/**
 * The suite's {@code postgres} part: starts a private PostgreSQL ({@code fsync=on}) and, for each
 * {@link Durability}, a single nats-server configured for it, and runs {@link PostgresScenarios}
 * into one report section per level. Both servers keep their data in temporary directories on the
 * same disk and are stopped (by PID) before this returns.
 */
public final class PostgresPeer {

  /** PostgreSQL writer connections of the full run. */
  public static final int WRITERS = 16;
  /** PostgreSQL writer connections of a {@code --quick} run. */
  public static final int QUICK_WRITERS = 4;

  private static final Pattern SYNC_ALWAYS = Pattern.compile("\"sync_always\"\\s*:\\s*true");

  private PostgresPeer() {}

  /**
   * Runs both durability pairs.
   *
   * @param report where the sections and conditions go
   * @param sizes how much work to do
   * @param writers PostgreSQL writer connections
   * @param natsServer the nats-server binary, or empty to let the test kit find one
   * @throws Exception if a server does not start or a scenario fails
   */
  public static void run(Report report, Sizes sizes, int writers, Optional<Path> natsServer)
      throws Exception {
    try (PostgresServer postgres = PostgresServer.startDurable()) {
      run(report, sizes, writers, natsServer, postgres);
    }
  }

  /**
   * Runs both durability pairs on a PostgreSQL server the caller started (with {@link
   * PostgresServer#startDurable()}) and stops; each pair writes its own table.
   *
   * @param report where the sections and conditions go
   * @param sizes how much work to do
   * @param writers PostgreSQL writer connections
   * @param natsServer the nats-server binary, or empty to let the test kit find one
   * @param postgres the running PostgreSQL server, {@code fsync=on}
   * @throws Exception if a server does not start or a scenario fails
   */
  public static void run(Report report, Sizes sizes, int writers, Optional<Path> natsServer,
      PostgresServer postgres) throws Exception {
    try (java.sql.Connection c = postgres.dataSource().getConnection()) {
      report.conditions().put("PostgreSQL", PostgresScenarios.show(c, "server_version")
          + " (private server, fsync=" + PostgresScenarios.show(c, "fsync") + ", data in a"
          + " temporary directory on the same disk as nats-server's store)");
    }
    for (Durability durability : Durability.values()) {
      NatsServer.Builder builder = NatsServer.builder().name("pg-peer");
      natsServer.ifPresent(builder::executable);
      if (durability.syncAlways()) {
        builder.syncAlways();
      }
      try (NatsServer server = builder.start()) {
        boolean syncAlways = SYNC_ALWAYS.matcher(varz(server)).find();
        if (syncAlways != durability.syncAlways()) {
          throw new IllegalStateException("nats-server reports sync_always=" + syncAlways
              + " but the " + durability + " pair needs " + durability.syncAlways());
        }
        report.conditions().put("nats-server", server.version().toString());
        NatsTarget target = new NatsTarget("R1", 1, server.version().toString(),
            server::connectionOptions);
        Section section = report.add(new Section("PostgreSQL peer: " + durability.title(),
            DESCRIPTION + " " + (durability.syncAlways()
                ? "Here every acknowledged append is on disk: nats-server with `jetstream {"
                    + " sync_interval: always }` (the server reports `sync_always: true`),"
                    + " PostgreSQL with `synchronous_commit=on` and `fsync=on`."
                : "Here an acknowledged append may be lost if the machine (not only the"
                    + " server process) crashes shortly after: nats-server with its default"
                    + " flush (written to the OS at once, `fsync` every 2 minutes),"
                    + " PostgreSQL with `synchronous_commit=off` (the WAL writer flushes"
                    + " within 3 × `wal_writer_delay`) and `fsync=on`.")));
        try (PostgresScenarios scenarios = new PostgresScenarios(target,
            postgres.dataSource(), durability, sizes, writers)) {
          scenarios.run(section);
        }
      }
    }
  }

  static final String DESCRIPTION = "`JetStreamEventStore` (R1, single `nats-server` on"
      + " loopback) against a plain JDBC event table in PostgreSQL 15 as users of Axon's JDBC"
      + " store or Occurrent have one: a global position (identity column), `(namespace, actor,"
      + " version)` unique (the optimistic concurrency check), the event id unique, type, time,"
      + " data (`bytea`) and metadata (JSON in `bytea`) columns; plain `PGSimpleDataSource`"
      + " connections, no pool. Both sides run in this JVM and write the same events (256 bytes"
      + " of data, a correlation id); reads on both sides produce the same decoded `Event`s."
      + " Ratios are Aether ÷ PostgreSQL, measured in alternating rounds.";

  private static String varz(NatsServer server) throws IOException {
    try (InputStream in = URI.create(server.monitorUrl() + "/varz").toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
