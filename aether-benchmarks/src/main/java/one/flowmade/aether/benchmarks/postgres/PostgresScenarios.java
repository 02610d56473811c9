package one.flowmade.aether.benchmarks.postgres;

import io.nats.client.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.benchmarks.nats.Rounds;
import one.flowmade.aether.benchmarks.nats.Sizes;
import one.flowmade.aether.benchmarks.nats.StoreScenarios;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.jetstream.JetStreamEventStore;

/**
 * Aether's JetStream event store (R1) against the plain JDBC {@link EventTable} at one {@link
 * Durability}: single-append latency, appends from many writers with optimistic concurrency (one
 * append per transaction, and batched), replay of one actor, and a catch-up read of the whole
 * namespace. Both sides write the same events (same ids, types, times, data and metadata) and
 * produce the same decoded {@link Event}s when reading. Not thread-safe; {@link #close()} closes
 * the connections and the store.
 */
public final class PostgresScenarios implements AutoCloseable {

  private static final Duration TIMEOUT = Duration.ofMinutes(5);
  /** Rows per page of the catch-up reader. */
  static final int PAGE = 1000;

  private final Durability durability;
  private final Sizes sizes;
  private final int writers;
  private final Namespace namespace = Workload.uniqueNamespace("pgpeer");
  private final String ns = namespace.name();
  private final Payload data = Payload.json(Workload.json(Workload.MESSAGE_SIZE));
  private final Connection nats;
  private final JetStreamEventStore store;
  private final DataSource postgres;
  private final EventTable table;
  private final java.sql.Connection reader;
  private final List<java.sql.Connection> writerConnections = new ArrayList<>();
  private final ExecutorService pool;
  private final AtomicLong conflicts = new AtomicLong();

  /**
   * Connects to both servers and creates the stream and the table.
   *
   * @param target the nats-server, configured for {@code durability}
   * @param postgres the PostgreSQL database (with {@code fsync=on})
   * @param durability the level both sides run at
   * @param sizes how much work to do
   * @param writers PostgreSQL writer connections, each on its own thread
   * @throws SQLException if PostgreSQL cannot be reached or is not configured as required
   */
  public PostgresScenarios(NatsTarget target, DataSource postgres, Durability durability,
      Sizes sizes, int writers) throws SQLException {
    if (writers < 1) {
      throw new IllegalArgumentException("writers must be at least 1, was " + writers);
    }
    this.durability = durability;
    this.sizes = sizes;
    this.writers = writers;
    this.postgres = postgres;
    this.table = new EventTable("events_" + durability.name().toLowerCase(Locale.ROOT));
    this.nats = target.connect("aether-pg-peer");
    this.store = JetStreamEventStore.builder(nats, namespace).replicas(1).build();
    this.reader = open();
    table.create(reader);
    for (int i = 0; i < writers; i++) {
      writerConnections.add(open());
    }
    this.pool = Executors.newFixedThreadPool(writers, r -> {
      Thread t = new Thread(r, "pg-writer");
      t.setDaemon(true);
      return t;
    });
  }

  /** Opens a connection with the durability's {@code synchronous_commit} and checks it. */
  private java.sql.Connection open() throws SQLException {
    java.sql.Connection c = postgres.getConnection();
    try (Statement s = c.createStatement()) {
      s.execute("SET synchronous_commit = " + durability.synchronousCommit());
    }
    String fsync = show(c, "fsync");
    String commit = show(c, "synchronous_commit");
    if (!"on".equals(fsync) || !durability.synchronousCommit().equals(commit)) {
      c.close();
      throw new IllegalStateException("PostgreSQL runs with fsync=" + fsync
          + " and synchronous_commit=" + commit + ", the " + durability + " pair needs fsync=on"
          + " and synchronous_commit=" + durability.synchronousCommit());
    }
    return c;
  }

  /**
   * Returns a server setting as {@code SHOW} prints it.
   *
   * @param c the connection
   * @param setting the setting's name
   * @return its value
   * @throws SQLException if the query fails
   */
  static String show(java.sql.Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /**
   * Runs every pair and fills the section.
   *
   * @param section where the figures go
   * @throws Exception if a scenario fails
   */
  public void run(Section section) throws Exception {
    latency(section);
    appends(section);
    writeReplayedActor();
    table.analyze(reader);
    replay(section);
    catchUp(section);
    section.note("PostgreSQL writers met " + conflicts.get() + " unique-constraint conflicts"
        + " (each writer owns its actors, so none are expected; every insert is checked, and a"
        + " conflict would be counted, the version re-read and the append retried). PostgreSQL"
        + " " + show(reader, "server_version") + ", fsync=" + show(reader, "fsync")
        + ", synchronous_commit=" + show(reader, "synchronous_commit") + ", wal_writer_delay="
        + show(reader, "wal_writer_delay") + ", shared_buffers=" + show(reader, "shared_buffers")
        + " (defaults otherwise); JDBC driver without reWriteBatchedInserts.");
  }

  // ---- single-append latency ----------------------------------------------------------------

  private void latency(Section section) throws Exception {
    System.out.println("-- PostgreSQL peer (" + durability + "): single-append latency");
    int samples = sizes.latencySamples();
    int block = Math.max(1, Math.min(100, samples / 10));
    long[] aether = new long[samples];
    long[] pg = new long[samples];
    long[] aetherVersion = {0};
    long[] pgVersion = {0};
    for (int i = 0; i < Math.min(200, samples); i++) {
      timeAether(aetherVersion);
      timePostgres(pgVersion);
    }
    for (int done = 0, b = 0; done < samples; b++) {
      int n = Math.min(block, samples - done);
      for (int side = 0; side < 2; side++) {
        boolean postgresNow = (side == 0) == (b % 2 == 0);
        for (int i = 0; i < n; i++) {
          if (postgresNow) {
            pg[done + i] = timePostgres(pgVersion);
          } else {
            aether[done + i] = timeAether(aetherVersion);
          }
        }
      }
      done += n;
    }
    Arrays.sort(aether);
    Arrays.sort(pg);
    double[] ps = {50, 99, 99.9};
    String[] names = {"p50", "p99", "p99.9"};
    for (int i = 0; i < ps.length; i++) {
      section.add(Comparison.of("single append " + names[i], "ms", Better.LOWER,
          Figures.percentile(aether, ps[i]) / 1e6, Figures.percentile(pg, ps[i]) / 1e6)
          .withNote(samples + " samples each, alternating blocks of " + block
              + "; PostgreSQL: one INSERT per transaction"));
    }
  }

  private long timeAether(long[] version) {
    NewEvent event = Workload.newEvent(data);
    long t0 = System.nanoTime();
    AppendResult r = store.append("lat", ExpectedVersion.exactly(version[0]), event);
    long t = System.nanoTime() - t0;
    version[0] = r.lastVersion();
    return t;
  }

  private long timePostgres(long[] version) throws SQLException {
    NewEvent event = Workload.newEvent(data);
    long t0 = System.nanoTime();
    if (!table.append(reader, ns, "lat", version[0] + 1, event)) {
      throw new IllegalStateException("the latency actor's version " + (version[0] + 1)
          + " was taken; nothing else writes it");
    }
    long t = System.nanoTime() - t0;
    version[0]++;
    return t;
  }

  // ---- appends from many writers ------------------------------------------------------------

  private void appends(Section section) throws Exception {
    int actors = sizes.pipelinedActors();
    int perActor = sizes.pipelinedPerActor();
    System.out.println("-- PostgreSQL peer (" + durability + "): appends from many writers");
    String what = actors + " actors × " + perActor;
    StoreScenarios.AsyncAppend aether = (actor, version, seq) -> store.appendAsync(actor,
        ExpectedVersion.exactly(version), List.of(Workload.newEvent(data)))
        .thenApply(AppendResult::lastPosition);
    Comparison single = Rounds.alternate("appends, " + what + ", one per transaction",
        "events/s", Better.HIGHER, sizes.rounds(),
        round -> StoreScenarios.pipeline("pipe" + (round + 1), actors, perActor, aether),
        round -> writeFromWriters("pipe" + (round + 1), actors, perActor, false));
    section.add(single.withTarget(Target.ratioAtLeast(1.0)).withNote(single.note()
        + "; Aether: `appendAsync`, one append in flight per actor, all actors at once on one"
        + " connection; PostgreSQL: " + writers + " writer connections, each owning "
        + actors / writers + " actors, one INSERT per transaction"));
    Comparison batched = Rounds.alternate("appends, " + what + ", PostgreSQL batched",
        "events/s", Better.HIGHER, sizes.rounds(),
        round -> StoreScenarios.pipeline("pipe-b" + (round + 1), actors, perActor, aether),
        round -> writeFromWriters("batch" + (round + 1), actors, perActor, true));
    section.add(batched.withNote(batched.note() + "; Aether as above; PostgreSQL: " + writers
        + " writers, each writes one event to each of its actors in one JDBC batch and one"
        + " transaction (a conflict would roll the whole batch back)"));
  }

  /**
   * Appends {@code perActor} events to each of {@code actors} actors from the writer
   * connections, each writer owning every {@code writers}-th actor and appending with the next
   * version it expects; returns events per second.
   */
  private double writeFromWriters(String prefix, int actors, int perActor, boolean batched)
      throws Exception {
    List<String> ids = Workload.actors(prefix, actors);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>(writers);
    for (int w = 0; w < writers; w++) {
      List<String> own = new ArrayList<>();
      for (int i = w; i < actors; i += writers) {
        own.add(ids.get(i));
      }
      java.sql.Connection c = writerConnections.get(w);
      done.add(pool.submit(() -> {
        start.await();
        writer(c, own, perActor, batched);
        return null;
      }));
    }
    long t0 = System.nanoTime();
    start.countDown();
    long deadline = t0 + TIMEOUT.toNanos();
    for (Future<?> f : done) {
      f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    return (double) actors * perActor / ((System.nanoTime() - t0) / 1e9);
  }

  private void writer(java.sql.Connection c, List<String> actors, int perActor, boolean batched)
      throws SQLException {
    long[] versions = new long[actors.size()];
    for (int step = 0; step < perActor; step++) {
      if (batched) {
        List<EventTable.Append> batch = new ArrayList<>(actors.size());
        for (int a = 0; a < actors.size(); a++) {
          batch.add(new EventTable.Append(actors.get(a), versions[a] + 1,
              Workload.newEvent(data)));
        }
        while (!table.appendBatch(c, ns, batch)) {
          conflicts.incrementAndGet();
          batch.clear();
          for (int a = 0; a < actors.size(); a++) {
            versions[a] = table.lastVersion(c, ns, actors.get(a));
            batch.add(new EventTable.Append(actors.get(a), versions[a] + 1,
                Workload.newEvent(data)));
          }
        }
        for (int a = 0; a < actors.size(); a++) {
          versions[a]++;
        }
      } else {
        for (int a = 0; a < actors.size(); a++) {
          String actor = actors.get(a);
          NewEvent event = Workload.newEvent(data);
          while (!table.append(c, ns, actor, versions[a] + 1, event)) {
            conflicts.incrementAndGet();
            versions[a] = table.lastVersion(c, ns, actor);
          }
          versions[a]++;
        }
      }
    }
  }

  // ---- replay -------------------------------------------------------------------------------

  private static final String REPLAYED = "replay-1";

  private void writeReplayedActor() throws SQLException {
    int n = sizes.replayEvents();
    String actor = REPLAYED;
    int batch = 100;
    for (int v = 0; v < n; v += batch) {
      List<NewEvent> events = new ArrayList<>(batch);
      List<EventTable.Append> rows = new ArrayList<>(batch);
      for (int i = 0; i < Math.min(batch, n - v); i++) {
        NewEvent event = Workload.newEvent(data);
        events.add(event);
        rows.add(new EventTable.Append(actor, v + i + 1, event));
      }
      store.append(actor, ExpectedVersion.exactly(v), events);
      if (!table.appendBatch(reader, ns, rows)) {
        throw new IllegalStateException("the replayed actor's versions were taken");
      }
    }
  }

  private void replay(Section section) throws Exception {
    System.out.println("-- PostgreSQL peer (" + durability + "): replay");
    int n = sizes.replayEvents();
    String actor = REPLAYED;
    Comparison c = Rounds.alternate("replay one actor of " + n + " events", "events/s",
        Better.HIGHER, sizes.rounds(),
        round -> {
          long t0 = System.nanoTime();
          ReadResult r = store.read(actor, 1);
          long t = System.nanoTime() - t0;
          check(r.events().size(), n, "Aether read");
          return n / (t / 1e9);
        },
        round -> {
          long t0 = System.nanoTime();
          List<Event> events = table.read(reader, ns, actor, 1);
          long t = System.nanoTime() - t0;
          check(events.size(), n, "the PostgreSQL read");
          return n / (t / 1e9);
        });
    section.add(c.withTarget(Target.ratioAtLeast(1.0)).withNote(c.note()
        + "; Aether: `read(actor, 1)`; PostgreSQL: one SELECT by (namespace, actor) ordered by"
        + " version, every row decoded into the same `Event` (metadata JSON parsed)"));
  }

  private static void check(int got, int expected, String what) {
    if (got != expected) {
      throw new IllegalStateException(what + " returned " + got + " events, expected "
          + expected);
    }
  }

  // ---- catch-up -----------------------------------------------------------------------------

  private void catchUp(Section section) throws Exception {
    System.out.println("-- PostgreSQL peer (" + durability + "): catch-up");
    long aetherCount = store.lastPosition();
    long pgCount;
    try (Statement s = reader.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table.name())) {
      rs.next();
      pgCount = rs.getLong(1);
    }
    Comparison c = Rounds.alternate("catch-up over the namespace", "events/s", Better.HIGHER,
        sizes.rounds(),
        round -> StoreScenarios.catchUpRate(store, aetherCount),
        round -> {
          long t0 = System.nanoTime();
          long read = 0;
          long after = 0;
          while (read < pgCount) {
            List<Event> page = table.page(reader, ns, after, PAGE);
            if (page.isEmpty()) {
              throw new IllegalStateException("the catch-up read ended after " + read + " of "
                  + pgCount + " rows");
            }
            read += page.size();
            after = page.get(page.size() - 1).position();
          }
          return pgCount / ((System.nanoTime() - t0) / 1e9);
        });
    section.add(c.withNote(c.note() + "; Aether: `subscribe(fromBeginning)` over " + aetherCount
        + " events; PostgreSQL: pages of " + PAGE + " rows by position over " + pgCount
        + " rows, decoded into `Event`s (no gap detection, which a tracking reader of an"
        + " identity column needs); plan after `ANALYZE`: " + table.pagePlan(reader, ns, PAGE)));
  }

  @Override
  public void close() {
    pool.shutdownNow();
    store.close();
    for (java.sql.Connection c : writerConnections) {
      closeQuietly(c);
    }
    closeQuietly(reader);
    try {
      nats.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(java.sql.Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      // closing a benchmark connection; the server goes away next
    }
  }
}
