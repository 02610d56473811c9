package one.flowmade.aether.verification.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.cluster.ClusteredProjection;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.testkit.postgres.PostgresServer;
import one.flowmade.aether.verification.checker.Check;
import one.flowmade.aether.verification.checker.CheckReport;
import one.flowmade.aether.verification.checker.HistoryChecker;
import one.flowmade.aether.verification.checker.ProjectionChecker;
import one.flowmade.aether.verification.history.AppliedEvent;
import one.flowmade.aether.verification.history.FinalState;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.ProjectionHistory;
import one.flowmade.aether.verification.history.ProjectionHistory.Effects;
import one.flowmade.aether.verification.history.ShardTenure;
import one.flowmade.aether.verification.history.StoredEvent;
import one.flowmade.aether.verification.workload.ProjectionNode;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style run of a partitioned {@link ClusteredProjection}: a 3-node NATS cluster with an
 * R3 stream, a writer in this JVM appending to 200 actors, and three projection nodes as separate
 * JVMs ({@link ProjectionNode}) running 6 partitions of one projection on an 8-shard cluster,
 * recording every application (event, actor, version, position, partition, owner epoch, node)
 * and a count per event in PostgreSQL ({@link PostgresServer}), while the {@link Nemesis} kills
 * (kill -9) and pauses (SIGSTOP, up to 9.5 s against a 6 s membership TTL) NATS servers and
 * projection nodes and restarts them. After the faults the projection catches up, the nodes
 * leave, and the {@link ProjectionChecker} compares the read model with the stream: every stored
 * event applied (exactly once with the JDBC checkpoint store: the count table equals the stream
 * one for one), each actor's versions applied in increasing order per owner epoch (and overall
 * with JDBC), one node per partition and epoch, no stale owner committing after a newer one;
 * the {@link HistoryChecker} checks the nodes' leader terms and shard tenures.
 *
 * <p>Child JVMs rather than nodes in this JVM, as for the other fault runs: only a whole process
 * can be killed with -9 or paused with SIGSTOP, its lease clock with it.
 *
 * <p>{@code -Daether.verification.projection.duration=PT10M} for the long run (35 s of faults by
 * default; a property of its own, since the pom gives {@code aether.verification.duration} the
 * plain run's 60 s),
 * {@code -Daether.verification.seed=<n>} to replay, {@code
 * -Daether.verification.projection.store=kv} for KV checkpoints (at-least-once); logs and the
 * report in {@code target/verification/projection-<store>-<seed in hex>/}.
 */
final class ProjectionFaultInjectionIT {

  private static final Namespace NAMESPACE = Namespace.of("jepsen");
  private static final String CLUSTER = "jepsen";
  private static final String PROJECTION = "verified";
  private static final int SHARDS = 8;
  private static final int PARTITIONS = 6;
  private static final int ACTORS = 200;
  private static final int WRITERS = 2;
  private static final Duration RECOVERY = Duration.ofSeconds(20);

  private final List<AetherProcess> nodes = new ArrayList<>();
  private final int[] incarnations = new int[3];

  @Test
  void partitionedProjectionUnderFaults_appliesEveryEventOnceInOrder_oneOwnerPerEpoch()
      throws Exception {
    String length = System.getProperty("aether.verification.projection.duration", "");
    Duration duration = length.isBlank() ? Duration.ofSeconds(35) : Duration.parse(length);
    long seed = FaultRun.seedProperty();
    String property = System.getProperty("aether.verification.projection.store", "");
    String store = property.isBlank() ? "jdbc" : property;
    Effects effects = switch (store) {
      case "jdbc" -> Effects.EXACTLY_ONCE;
      case "kv" -> Effects.AT_LEAST_ONCE;
      default -> throw new IllegalArgumentException(
          "aether.verification.projection.store must be jdbc or kv, was '" + store + "'");
    };
    Path dir = Path.of("target", "verification",
        "projection-" + store + "-" + Long.toUnsignedString(seed, 16));
    FaultRun.deleteRecursively(dir);
    Files.createDirectories(dir);
    System.out.printf("projection fault-injection run (%s): seed %d, faults for %s, logs in %s%n"
        + "replay with: mvn -pl aether-verification verify -Dit.test=ProjectionFaultInjectionIT"
        + " -Daether.verification.seed=%d -Daether.verification.projection.duration=%s"
        + " -Daether.verification.projection.store=%s%n",
        store, seed, duration, dir.toAbsolutePath(), seed, duration, store);
    long began = System.nanoTime();

    try (NatsCluster nats = NatsCluster.builder().startTimeout(Duration.ofSeconds(90)).start();
        PostgresServer postgres = PostgresServer.start()) {
      DataSource db = postgres.dataSource();
      sql(db, "CREATE TABLE projected_apply (seq BIGSERIAL PRIMARY KEY, event_id TEXT NOT NULL,"
          + " actor TEXT NOT NULL, version BIGINT NOT NULL, position BIGINT NOT NULL,"
          + " partition INT NOT NULL, epoch BIGINT NOT NULL, node TEXT NOT NULL,"
          + " process TEXT NOT NULL)");
      sql(db, "CREATE TABLE projected_count (event_id TEXT PRIMARY KEY, applies BIGINT NOT NULL)");
      List<String> servers = nats.nodes().stream().map(NatsNode::url).toList();
      try (Connection nc = nats.connect();
          JetStreamEventStore events = JetStreamEventStore.builder(nc, NAMESPACE).replicas(3)
              .requestTimeout(Duration.ofSeconds(2)).build()) {
        for (int i = 0; i < 3; i++) {
          nodes.add(startNode(i, servers, dir, store, postgres.jdbcUrl()));
        }
        Awaitility.await("every projection node running").atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> nodes.stream().allMatch(p -> running(dir, p)));
        Moment started = Moment.now();

        Writer writer = new Writer(events, seed);
        writer.start();
        Nemesis nemesis = new Nemesis(seed, nats, nodes,
            i -> startNode(i, servers, dir, store, postgres.jdbcUrl()));
        nemesis.run(System.nanoTime() + duration.toNanos());
        Moment faultsStopped = Moment.now();
        // The writer goes on until every process running now has applied events, so that an
        // incarnation restarted late in the run is seen resuming its partitions (not only the
        // first three processes): the check on the number of processes below depends on it.
        Set<String> running = new HashSet<>();
        nodes.forEach(p -> running.add(p.label()));
        Awaitility.await("every running projection process " + running + " applied an event")
            .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
            .until(() -> readApplied(db).stream().map(AppliedEvent::process).toList()
                .containsAll(running));
        writer.stop();
        nats.waitForJetStreamReady();
        Moment ownershipDeadline = faultsStopped.plus(RECOVERY);

        FinalState finalState = readFinalState(events);
        Set<String> storedIds = new HashSet<>();
        finalState.events().forEach(e -> storedIds.add(e.eventId()));
        // Wait for the projection to catch up; if it never does, the checker names what is
        // missing.
        long caughtUpBy = System.nanoTime() + Duration.ofSeconds(150).toNanos();
        while (System.nanoTime() - caughtUpBy < 0 && !caughtUp(db, storedIds)) {
          TimeUnit.SECONDS.sleep(1);
        }
        Moment caughtUp = Moment.now();
        TimeUnit.NANOSECONDS.sleep(Math.max(0,
            ownershipDeadline.plus(Duration.ofSeconds(3)).nanos() - System.nanoTime()));
        for (AetherProcess p : nodes) {
          p.terminate();
        }

        ProjectionHistory projected = new ProjectionHistory(effects, readApplied(db),
            readCounts(db), finalState);
        CheckReport report = ProjectionChecker.check(projected);
        History cluster = History.builder().addAll(FaultRun.readLogs(dir)).shardCount(SHARDS)
            .ownershipDeadline(ownershipDeadline).finalState(FinalState.empty()).build();
        CheckReport clusterReport = HistoryChecker.check(cluster);

        StringBuilder text = new StringBuilder();
        text.append("projection run (").append(store).append(", ").append(effects)
            .append("), seed ").append(seed).append(", faults for ").append(duration)
            .append('\n').append("faults injected:\n");
        for (Nemesis.Injected fault : nemesis.injected()) {
          text.append("  ").append(fault.describe(started)).append('\n');
        }
        text.append(figures(writer, nemesis, cluster, projected, started, faultsStopped,
            caughtUp, began)).append('\n');
        text.append("projection: ").append(report.describe());
        text.append("cluster: ").append(clusterReport.describe());
        Files.writeString(dir.resolve("report.txt"), text, StandardCharsets.UTF_8);
        System.out.println(text);

        assertThat(finalState.events()).as("stored events").hasSizeGreaterThan(500);
        assertThat(nemesis.injected()).as("faults injected").hasSizeGreaterThanOrEqualTo(
            duration.compareTo(Duration.ofSeconds(30)) >= 0 ? Nemesis.Fault.values().length : 1);
        assertThat(projected.applied().stream().map(AppliedEvent::process).distinct().count())
            .as("processes that applied events").isGreaterThan(3);
        report.assertValid();
        clusterReport.assertValid();
        assertCheckerCatchesTampering(projected);
      }
    } finally {
      for (AetherProcess p : nodes) {
        if (p.isAlive()) {
          p.kill();
        }
      }
    }
  }

  /**
   * On the real data: record one application a second time and credit another to a second node
   * in its epoch; the checker must report the duplicate (with exactly-once effects) and the two
   * owners.
   */
  private static void assertCheckerCatchesTampering(ProjectionHistory real) {
    List<AppliedEvent> applied = new ArrayList<>(real.applied());
    Map<String, Long> counts = new HashMap<>(real.applyCounts());
    AppliedEvent twice = applied.get(applied.size() / 2);
    long next = applied.get(applied.size() - 1).seq() + 1;
    applied.add(new AppliedEvent(next, twice.eventId(), twice.actorId(), twice.version(),
        twice.position(), twice.partition(), twice.epoch() + 1_000_000, twice.node(),
        twice.process()));
    counts.merge(twice.eventId(), 1L, Long::sum);
    AppliedEvent other = applied.get(0);
    applied.set(0, new AppliedEvent(other.seq(), other.eventId(), other.actorId(),
        other.version(), other.position(), other.partition(), other.epoch(), "forged",
        "forged#1"));

    CheckReport report = ProjectionChecker.check(new ProjectionHistory(real.effects(), applied,
        counts, real.finalState()));

    assertThat(report.counts()).containsKey(Check.PROJECTION_TWO_OWNERS);
    if (real.effects() == Effects.EXACTLY_ONCE) {
      assertThat(report.counts()).containsKey(Check.PROJECTION_APPLIED_TWICE);
    }
  }

  private static String figures(Writer writer, Nemesis nemesis, History cluster,
      ProjectionHistory projected, Moment started, Moment faultsStopped, Moment caughtUp,
      long began) {
    Set<Integer> projectionShards = new HashSet<>();
    for (int p = 0; p < PARTITIONS; p++) {
      projectionShards.add(ClusteredProjection.shardOf(PROJECTION, p, SHARDS));
    }
    long tenures = cluster.tenures().stream()
        .filter(t -> projectionShards.contains(t.shard())).count();
    Set<String> partitionEpochs = new HashSet<>();
    projected.applied().forEach(a -> partitionEpochs.add(a.partition() + "/" + a.epoch()));
    Map<Nemesis.Fault, Integer> kinds = new HashMap<>();
    nemesis.injected().forEach(f -> kinds.merge(f.fault(), 1, Integer::sum));
    long lost = cluster.tenures().stream()
        .filter(t -> t.status() == ShardTenure.Status.LOST).count();
    return String.format(Locale.ROOT, "figures: %d events appended by the writer (%d gave up),"
        + " %d stored; faults %s; %d tenures of the projection's %d shards (%d lost with the"
        + " membership), %d partition epochs with applications (%d handovers beyond the first"
        + " owner of each partition), %d applications; faults %.1f s, caught up %.1f s after the"
        + " faults stopped, whole run %.1f s",
        writer.appended.get(), writer.gaveUp.get(), projected.finalState().events().size(), kinds,
        tenures, projectionShards.size(), lost, partitionEpochs.size(),
        Math.max(0, partitionEpochs.size() - PARTITIONS), projected.applied().size(),
        (faultsStopped.nanos() - started.nanos()) / 1e9,
        (caughtUp.nanos() - faultsStopped.nanos()) / 1e9, (System.nanoTime() - began) / 1e9);
  }

  /**
   * Appends one event at a time to random actors of its own, {@link #WRITERS} threads on disjoint
   * actors (one append in flight per actor, as R3 streams require); an append whose outcome is not
   * known is sent again with the same event id, which the store stores once.
   */
  private static final class Writer {
    private final JetStreamEventStore events;
    private final long seed;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong appended = new AtomicLong();
    private final AtomicLong gaveUp = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    Writer(JetStreamEventStore events, long seed) {
      this.events = events;
      this.seed = seed;
    }

    void start() {
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        Thread t = new Thread(() -> write(writer), "projection-writer-" + w);
        t.setDaemon(true);
        threads.add(t);
        t.start();
      }
    }

    private void write(int writer) {
      Random random = new Random(seed * 31 + writer);
      while (running.get()) {
        String actor = "acct-" + (writer + WRITERS * random.nextInt(ACTORS / WRITERS));
        NewEvent event = new NewEvent(UUID.randomUUID().toString(), "Deposited", Instant.now(),
            Metadata.empty(), Payload.json("{\"amount\":" + (1 + random.nextInt(100)) + "}"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
          try {
            events.append(actor, ExpectedVersion.any(), List.of(event));
            appended.incrementAndGet();
            break;
          } catch (AetherTransientException e) {
            if (System.nanoTime() - deadline > 0 || !running.get()) {
              gaveUp.incrementAndGet();
              break;
            }
          }
        }
        try {
          TimeUnit.MILLISECONDS.sleep(10 + random.nextInt(15)); // pacing, not synchronisation
        } catch (InterruptedException e) {
          return;
        }
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join(60_000);
      }
    }
  }

  private AetherProcess startNode(int index, List<String> servers, Path dir, String store,
      String jdbcUrl) {
    int incarnation = ++incarnations[index];
    String node = "p" + (index + 1);
    String label = node + "#" + incarnation;
    return AetherProcess.start(label, dir.resolve(label + ".out"), ProjectionNode.class,
        List.of("servers=" + String.join(",", servers), "namespace=" + NAMESPACE.name(),
            "cluster=" + CLUSTER, "node=" + node, "incarnation=" + incarnation,
            "log=" + dir.resolve(label + ".jsonl"), "shards=" + SHARDS,
            "partitions=" + PARTITIONS, "projection=" + PROJECTION, "store=" + store,
            "jdbc=" + jdbcUrl));
  }

  /** Whether the node says it runs; throws with its output if it has exited instead. */
  private static boolean running(Path dir, AetherProcess node) {
    String output = FaultRun.output(dir, node);
    if (!node.isAlive() && !output.contains("running")) {
      throw new AssertionError("projection node " + node.label() + " exited at start:\n"
          + output.substring(Math.max(0, output.length() - 4000)));
    }
    return output.contains("running");
  }

  private static boolean caughtUp(DataSource db, Set<String> storedIds) throws SQLException {
    return readCounts(db).keySet().containsAll(storedIds);
  }

  private static void sql(DataSource db, String statement) throws SQLException {
    try (java.sql.Connection c = db.getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static List<AppliedEvent> readApplied(DataSource db) throws SQLException {
    List<AppliedEvent> out = new ArrayList<>();
    try (java.sql.Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT seq, event_id, actor, version, position, partition,"
            + " epoch, node, process FROM projected_apply ORDER BY seq")) {
      while (r.next()) {
        out.add(new AppliedEvent(r.getLong(1), r.getString(2), r.getString(3), r.getLong(4),
            r.getLong(5), r.getInt(6), r.getLong(7), r.getString(8), r.getString(9)));
      }
    }
    return out;
  }

  private static Map<String, Long> readCounts(DataSource db) throws SQLException {
    Map<String, Long> out = new HashMap<>();
    try (java.sql.Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT event_id, applies FROM projected_count")) {
      while (r.next()) {
        out.put(r.getString(1), r.getLong(2));
      }
    }
    return out;
  }

  private static FinalState readFinalState(JetStreamEventStore store) {
    List<StoredEvent> out = new ArrayList<>();
    Position from = Position.beginning();
    while (true) {
      ReadResult page = store.readAll(from, 500);
      assertThat(page.undecodable()).as("undecodable messages in the stream").isEmpty();
      for (Event e : page.events()) {
        out.add(new StoredEvent(e.actorId(), e.version(), e.id(), e.position()));
      }
      if (page.isEmpty()) {
        return new FinalState(out);
      }
      from = page.next();
    }
  }
}
