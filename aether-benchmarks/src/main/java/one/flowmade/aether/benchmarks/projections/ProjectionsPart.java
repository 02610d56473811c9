package one.flowmade.aether.benchmarks.projections;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.benchmarks.nats.Raw;
import one.flowmade.aether.benchmarks.nats.Rounds;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.KvReadModel;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.postgres.PostgresServer;

/**
 * The {@code projections} part: on one nats-server (R1) and a private PostgreSQL, the same
 * stored events are read by
 *
 * <ul>
 *   <li>a {@link Projection} with a {@link KvCheckpointStore} (a checkpoint per unit of 1,000
 *       events) against a raw ordered push consumer reading them (no checkpoint);
 *   <li>a {@link Projection} into a {@link KvReadModel} writing one row per event, the rows of
 *       999 events and the checkpoint in one atomic batch, against the same raw consumer;
 *   <li>a {@link Projection} with a {@link JdbcCheckpointStore} inserting one row per event in
 *       the unit's transaction against a hand-written loop: a raw ordered consumer, and per 1,000
 *       events one transaction inserting the same rows and updating an offset row.
 * </ul>
 */
public final class ProjectionsPart {
  /** Events of the full run. */
  public static final int FULL_EVENTS = 100_000;
  /** Events of a {@code --quick} run. */
  public static final int QUICK_EVENTS = 2_000;
  private static final int BATCH = 1_000;
  /** Rows per unit into the atomic KV read model: with the checkpoint, the server's batch limit. */
  private static final int ATOMIC_BATCH = KvReadModel.DEFAULT_MAX_BATCH_MESSAGES - 1;
  private static final int ACTORS = 500;
  private static final Duration TIMEOUT = Duration.ofMinutes(5);

  private ProjectionsPart() {}

  /**
   * Runs both pairs.
   *
   * @param report where the section goes
   * @param events how many events to store and read
   * @param rounds measured rounds of each pair
   * @param natsServer the binary, or empty to let the test kit find one
   * @throws Exception if a server does not start or a side fails
   */
  public static void run(Report report, int events, int rounds, Optional<Path> natsServer)
      throws Exception {
    NatsServer.Builder builder = NatsServer.builder().name("bench-projections");
    natsServer.ifPresent(builder::executable);
    try (NatsServer server = builder.start(); PostgresServer postgres = PostgresServer.start();
        Connection nc = server.connect()) {
      report.conditions().put("nats-server", server.version().toString());
      Namespace ns = Workload.uniqueNamespace("proj");
      try (EventStore store = JetStreamEventStore.builder(nc, ns).replicas(1).build()) {
        System.out.println("-- projections: appending " + events + " events");
        append(store, events);
        Section section = report.add(new Section("Projections: catch-up and exactly-once JDBC",
            "The same " + events + " stored events (" + Workload.MESSAGE_SIZE + " bytes of data,"
                + " " + ACTORS + " actors) on a single nats-server with one replica. KV: a"
                + " `Projection` with `KvCheckpointStore` and `batchSize(" + BATCH + ")` (a"
                + " compare-and-set checkpoint write per " + BATCH + " events; a unit never waits"
                + " for more, so it also commits at least every second while live) and a handler"
                + " that reads the event's data, from `start()` until the last event is applied,"
                + " against a raw ordered push consumer reading the same messages. JDBC: a"
                + " `Projection` with `JdbcCheckpointStore` and `batchSize(" + BATCH + ")` whose"
                + " handler inserts one row (position, event id, actor) per event through"
                + " `ctx.connection()`, against a hand-written loop: a raw ordered consumer and,"
                + " per " + BATCH + " events, one transaction that inserts the same rows (one"
                + " prepared statement per transaction) and updates an offset row. PostgreSQL"
                + " is private, on the same machine, default settings. Atomic KV: a `Projection`"
                + " into a `KvReadModel` of its own bucket with `batchSize(" + ATOMIC_BATCH + ")`"
                + " whose handler puts one row (key `event.<position>`, the event id) per event"
                + " through `ctx.requireKvBatch()`, so each unit is one atomic batch of "
                + ATOMIC_BATCH + " rows and the checkpoint, against the raw ordered consumer."
                + " Events/s, median of the rounds."));
        JetStream js = nc.jetStream();
        String filter = SubjectLayout.allEvents(ns);
        KvCheckpointStore kv = KvCheckpointStore.open(nc, ns);
        Rounds.Measured catchUp = Rounds.withCpu("catch-up over " + events + " events, KV"
                + " checkpoint every " + BATCH, "events/s", Better.HIGHER, rounds,
            round -> kvCatchUp(store, kv, "catchup" + (round + 2), events),
            round -> {
              long t0 = System.nanoTime();
              Raw.readOrdered(js, filter, 1, events);
              return events / ((System.nanoTime() - t0) / 1e9);
            });
        section.add(catchUp.figure().withTarget(Target.ratioAtLeast(0.9))).add(catchUp.cpu());

        Rounds.Measured atomicKv = Rounds.withCpu("catch-up over " + events + " events into a"
                + " KvReadModel, one row per event, " + ATOMIC_BATCH + " rows and the checkpoint"
                + " per atomic batch", "events/s", Better.HIGHER, rounds,
            round -> atomicKvCatchUp(store, nc, "atomic" + (round + 2), events),
            round -> {
              long t0 = System.nanoTime();
              Raw.readOrdered(js, filter, 1, events);
              return events / ((System.nanoTime() - t0) / 1e9);
            });
        section.add(atomicKv.figure()).add(atomicKv.cpu());

        DataSource ds = postgres.dataSource();
        JdbcCheckpointStore jdbc = JdbcCheckpointStore.open(ds);
        Rounds.Measured exactlyOnce = Rounds.withCpu("exactly-once into PostgreSQL over "
                + events + " events, " + BATCH + " per transaction", "events/s", Better.HIGHER,
            rounds,
            round -> jdbcProjection(store, jdbc, ds, "jdbc" + (round + 2), events),
            round -> handWritten(js, filter, ds, "hand" + (round + 2), events));
        section.add(exactlyOnce.figure().withTarget(Target.ratioAtLeast(0.8)))
            .add(exactlyOnce.cpu());
      }
    }
  }

  private static void append(EventStore store, int events) {
    Payload data = Payload.json(Workload.json(Workload.MESSAGE_SIZE));
    List<String> actors = Workload.actors("acc", ACTORS);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      pending.add(store.appendAsync(actors.get(i % ACTORS), ExpectedVersion.any(),
          List.of(Workload.newEvent(data))));
      if (pending.size() == ACTORS) {
        pending.forEach(CompletableFuture::join);
        pending.clear();
      }
    }
    pending.forEach(CompletableFuture::join);
  }

  private static double kvCatchUp(EventStore store, CheckpointStore kv, String name, int events)
      throws Exception {
    long[] bytes = new long[1];
    return timed(store, kv, name, events, BATCH, (e, c) -> bytes[0] += e.data().size());
  }

  /**
   * A projection into a {@link KvReadModel} of its own bucket, writing one row (key {@code
   * event.<position>}, value the event id) per event, {@value #ATOMIC_BATCH} events per unit: one
   * atomic batch of the rows and the checkpoint per unit.
   */
  private static double atomicKvCatchUp(EventStore store, Connection nc, String name,
      int events) throws Exception {
    KvReadModel model = KvReadModel.open(nc, "bench-" + name + "-" + System.nanoTime());
    return timed(store, model, name, events, ATOMIC_BATCH,
        (e, c) -> c.requireKvBatch().put("event." + c.position(), c.eventId()));
  }

  private static double jdbcProjection(EventStore store, CheckpointStore jdbc, DataSource ds,
      String name, int events) throws Exception {
    String table = createRows(ds, name);
    String insert = "INSERT INTO " + table + " (position, event_id, actor_id) VALUES (?, ?, ?)";
    return timed(store, jdbc, name, events, BATCH, (e, c) -> {
      try (PreparedStatement s = c.requireConnection().prepareStatement(insert)) {
        s.setLong(1, c.position());
        s.setString(2, c.eventId());
        s.setString(3, e.actorId());
        s.executeUpdate();
      }
    });
  }

  /** Runs a projection from the beginning until it applied {@code events}; events/s. */
  private static double timed(EventStore store, CheckpointStore checkpoints, String name,
      int events, int batchSize, one.flowmade.aether.projection.ProjectionHandler<Event> handler)
      throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    try (Projection p = Projection.builder().name(name).eventStore(store)
        .checkpointStore(checkpoints).batchSize(batchSize).onAny((Event e, ProjectionContext c) -> {
          handler.handle(e, c);
          if (c.position() == events) {
            done.countDown();
          }
        }).build()) {
      long t0 = System.nanoTime();
      p.start();
      if (!done.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        throw new IllegalStateException("projection " + name + " did not apply " + events
            + " events within " + TIMEOUT + ": " + p.status());
      }
      // the last unit's commit belongs to the work: wait for the checkpoint to hold it
      while (p.status().position() < events) {
        Thread.sleep(1);
      }
      return events / ((System.nanoTime() - t0) / 1e9);
    }
  }

  private static String createRows(DataSource ds, String name) throws SQLException {
    String table = "rows_" + name.toLowerCase(Locale.ROOT);
    try (java.sql.Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + table);
      s.execute("CREATE TABLE " + table + " (position BIGINT PRIMARY KEY, event_id TEXT NOT NULL,"
          + " actor_id TEXT NOT NULL)");
    }
    return table;
  }

  /** The hand-written baseline: raw ordered consumer, a transaction per batch; events/s. */
  private static double handWritten(JetStream js, String filter, DataSource ds, String name,
      int events) throws Exception {
    String table = createRows(ds, name);
    try (java.sql.Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS hand_offset (name TEXT PRIMARY KEY,"
          + " position BIGINT NOT NULL)");
      s.execute("INSERT INTO hand_offset VALUES ('" + name + "', 0) ON CONFLICT (name) DO"
          + " UPDATE SET position = 0");
    }
    long t0 = System.nanoTime();
    JetStreamSubscription sub = js.subscribe(filter, PushSubscribeOptions.builder().ordered(true)
        .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.All).build())
        .build());
    try (java.sql.Connection c = ds.getConnection()) {
      c.setAutoCommit(false);
      int read = 0;
      while (read < events) {
        int n = Math.min(BATCH, events - read);
        long last = 0;
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
            + " (position, event_id, actor_id) VALUES (?, ?, ?)")) {
          for (int i = 0; i < n; i++) {
            Message m = sub.nextMessage(Duration.ofSeconds(10));
            if (m == null) {
              throw new IllegalStateException("the raw consumer stalled after " + (read + i));
            }
            last = m.metaData().streamSequence();
            insert.setLong(1, last);
            insert.setString(2, m.getHeaders().getFirst(CloudEventHeaders.ID));
            insert.setString(3, m.getHeaders().getFirst(CloudEventHeaders.SUBJECT));
            insert.executeUpdate();
          }
        }
        try (PreparedStatement offset = c.prepareStatement(
            "UPDATE hand_offset SET position = ? WHERE name = ?")) {
          offset.setLong(1, last);
          offset.setString(2, name);
          offset.executeUpdate();
        }
        c.commit();
        read += n;
      }
    } finally {
      sub.unsubscribe();
    }
    return events / ((System.nanoTime() - t0) / 1e9);
  }
}
