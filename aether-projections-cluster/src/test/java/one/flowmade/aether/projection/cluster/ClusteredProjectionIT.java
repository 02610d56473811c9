package one.flowmade.aether.projection.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.CheckpointFencedException;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionHandler;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.projection.ProjectionStatus;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import one.flowmade.aether.testkit.postgres.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Clustered projections on a real 3-node nats-server cluster (R3 streams, R3 cluster bucket, R3
 * KV checkpoints) with three {@link ClusterNode}s in this JVM, and a real PostgreSQL for the
 * exactly-once read model. Each node has one connection for the cluster and one for its stores,
 * so a node whose cluster connection is closed (a crash as the cluster sees it) can still write:
 * only fencing keeps it from committing as a stale owner.
 */
final class ClusteredProjectionIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  private static final int SHARDS = 12;
  private static final int PARTITIONS = 6;
  private static final String NAME = "balances";
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static PostgresServer postgres;

  private final long id = System.nanoTime();
  private final String cluster = "proj-" + id;
  private final Namespace namespace = Namespace.of("proj-" + id);
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  /** Node id to shard to the epochs under which the node acquired it, in order. */
  private final Map<String, Map<Integer, List<Long>>> acquisitions = new ConcurrentHashMap<>();
  /** "node/shard" to when (System.nanoTime) the node last acquired the shard. */
  private final Map<String, Long> acquiredAt = new ConcurrentHashMap<>();
  private final Map<String, Long> appended = new ConcurrentHashMap<>();
  /** "node/shard" to a latch opened when the node begins to release the shard. */
  private final Map<String, CountDownLatch> releasing = new ConcurrentHashMap<>();

  private CountDownLatch releasing(String nodeId, int shard) {
    return releasing.computeIfAbsent(nodeId + "/" + shard, k -> new CountDownLatch(1));
  }

  /** One cluster node with its projection and its own connections. */
  record Node(String id, ClusterNode cluster, ClusteredProjection projection,
      Connection clusterConnection, CheckpointStore checkpoints) {}

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresServer.start();
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  @AfterEach
  void closeAll() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // closed already (a crashed node's connection)
      }
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private Node start(String nodeId, Function<Connection, CheckpointStore> checkpoints,
      ProjectionHandler<Event> handler) {
    return start(nodeId, checkpoints, handler, PARTITIONS);
  }

  /** Starts a node whose projection has {@code partitions} partitions, 1 for exclusive. */
  private Node start(String nodeId, Function<Connection, CheckpointStore> checkpoints,
      ProjectionHandler<Event> handler, int partitions) {
    ClusteredProjection.Builder mode = ClusteredProjection.builder();
    if (partitions == 1) {
      mode.exclusive();
    } else {
      mode.partitions(partitions);
    }
    Connection clusterConnection = track(NATS.connect());
    Connection storeConnection = track(NATS.connect());
    JetStreamEventStore events = track(JetStreamEventStore.builder(storeConnection, namespace)
        .replicas(3).build());
    CheckpointStore store = checkpoints.apply(storeConnection);
    ClusteredProjection projection = track(mode
        .projection(Projection.builder().name(NAME).eventStore(events).onAny(handler)
            .checkpointStore(store).batchSize(20))
        .build());
    Map<Integer, List<Long>> mine = new ConcurrentHashMap<>();
    acquisitions.put(nodeId, mine);
    ShardListener recorder = new ShardListener() {
      @Override
      public void acquired(int shard, long epoch) {
        mine.computeIfAbsent(shard, s -> new CopyOnWriteArrayList<>()).add(epoch);
        acquiredAt.put(nodeId + "/" + shard, System.nanoTime());
      }
    };
    ShardListener projectionListener = projection.shardListener(recorder);
    ShardListener listener = new ShardListener() {
      @Override
      public void assignmentChanged(one.flowmade.aether.cluster.ShardAssignment assignment) {
        projectionListener.assignmentChanged(assignment);
      }

      @Override
      public void acquired(int shard, long epoch) {
        projectionListener.acquired(shard, epoch);
      }

      @Override
      public void released(int shard, long epoch, one.flowmade.aether.cluster.ReleaseReason why) {
        releasing(nodeId, shard).countDown(); // before the projection's release waits for it
        projectionListener.released(shard, epoch, why);
      }
    };
    ClusterNode node = track(ClusterNode.builder()
        .connection(clusterConnection)
        .clusterName(cluster)
        .nodeId(nodeId)
        .replicas(3)
        .shardCount(SHARDS)
        .membershipTtl(Duration.ofSeconds(3))
        .heartbeatInterval(Duration.ofSeconds(1))
        .leaderLeaseTtl(Duration.ofSeconds(3))
        .leaderRenewInterval(Duration.ofSeconds(1))
        .safetyMargin(Duration.ofSeconds(1))
        .operationTimeout(Duration.ofMillis(800))
        .rebalanceDelay(Duration.ofMillis(300))
        .joinTimeout(Duration.ofSeconds(20))
        .shardListener(listener)
        .build());
    projection.attach(node);
    Node n = new Node(nodeId, node, projection, clusterConnection, store);
    nodes.put(nodeId, n);
    return n;
  }

  private EventStore writerStore() {
    Connection connection = track(NATS.connect());
    return track(JetStreamEventStore.builder(connection, namespace).replicas(3).build());
  }

  /** Appends {@code rounds} events to each of {@code actors} actors, one in flight per actor. */
  private void append(EventStore store, String prefix, int actors, int rounds) {
    for (int r = 0; r < rounds; r++) {
      List<CompletableFuture<?>> pending = new ArrayList<>();
      for (int a = 0; a < actors; a++) {
        String actor = prefix + a;
        pending.add(store.appendAsync(actor, ExpectedVersion.any(),
            List.of(NewEvent.of("Deposited", Payload.json("{\"amount\":1}"))))
            .thenRun(() -> appended.merge(actor, 1L, Long::sum)));
      }
      pending.forEach(CompletableFuture::join);
    }
  }

  /**
   * Every partition runs on exactly one of {@code running}, the owner of its shard, once the
   * assignment lists exactly those nodes and each holds its shards.
   */
  private void awaitEachPartitionOnItsShardOwner(Set<String> running) {
    await().atMost(WAIT).untilAsserted(() -> {
      assertAssignmentSettled(running);
      Map<Integer, List<String>> runners = new TreeMap<>();
      for (String nodeId : running) {
        Node n = nodes.get(nodeId);
        for (int p : n.projection().activePartitions()) {
          runners.computeIfAbsent(p, k -> new ArrayList<>()).add(nodeId);
          assertThat(n.cluster().ownsShard(ClusteredProjection.shardOf(NAME, p, SHARDS)))
              .as("node %s runs partition %d only while it owns its shard", nodeId, p).isTrue();
        }
      }
      assertThat(runners.keySet()).containsExactlyElementsOf(
          IntStream.range(0, PARTITIONS).boxed().toList());
      runners.forEach((p, ids) -> assertThat(ids).as("partition %d runs on", p).hasSize(1));
    });
  }

  /** The assignment lists exactly {@code running}, and each of them holds its shards. */
  private void assertAssignmentSettled(Set<String> running) {
    for (String nodeId : running) {
      ClusterNode n = nodes.get(nodeId).cluster();
      ShardAssignment a = n.assignment().orElseThrow();
      assertThat(a.nodes()).containsExactlyInAnyOrderElementsOf(running);
      assertThat(n.activeShards()).isEqualTo(a.shardsOf(nodeId));
    }
  }

  /** Each running partition claimed its checkpoint with its shard's acquisition epoch. */
  private void assertCheckpointEpochsAreShardEpochs(Set<String> running) {
    for (String nodeId : running) {
      Node n = nodes.get(nodeId);
      n.projection().status().forEach((p, s) -> {
        if (!s.runningHere()) {
          return;
        }
        List<Long> epochs = acquisitions.get(nodeId).get(s.shard());
        assertThat(s.ownerEpoch()).as("partition %d on %s", p, nodeId)
            .isEqualTo(epochs.get(epochs.size() - 1));
        assertThat(n.checkpoints().load(s.checkpointKey()).orElseThrow().epoch())
            .as("stored epoch of %s", s.checkpointKey()).isEqualTo(s.ownerEpoch());
      });
    }
  }

  private String ownerOf(int partition) {
    return nodes.values().stream()
        .filter(n -> n.projection().activePartitions().contains(partition))
        .map(Node::id).findFirst().orElseThrow();
  }

  private String victim() {
    return nodes.values().stream().filter(n -> !n.projection().activePartitions().isEmpty())
        .map(Node::id).sorted().findFirst().orElseThrow();
  }

  @Test
  void partitionsRunOnTheirShardOwners_withTheShardEpoch_andResumeOnJoinAndLeave_inActorOrder()
      throws Exception {
    // the read model of all nodes (one JVM stands in for a shared database): last version per
    // actor, applied idempotently (at least once), and every gap or reordering recorded
    Map<String, Long> versions = new ConcurrentHashMap<>();
    List<String> violations = new CopyOnWriteArrayList<>();
    AtomicLong duplicates = new AtomicLong();
    // one event, on the leaving node, is in progress when its shard's release begins
    AtomicReference<String> holdActor = new AtomicReference<>("none");
    AtomicReference<String> holdOn = new AtomicReference<>("none");
    AtomicBoolean held = new AtomicBoolean();
    CountDownLatch holding = new CountDownLatch(1);
    Function<String, ProjectionHandler<Event>> handler = nodeId -> (e, ctx) -> {
      if (e.actorId().equals(holdActor.get()) && nodeId.equals(holdOn.get())
          && held.compareAndSet(false, true)) {
        holding.countDown();
        assertThat(releasing(nodeId, ClusteredProjection.shardOf(NAME, Projection.partitionOf(
            e.actorId(), PARTITIONS), SHARDS)).await(30, TimeUnit.SECONDS)).isTrue();
      }
      versions.compute(e.actorId(), (actor, last) -> {
          long prev = last == null ? 0 : last;
          if (e.version() <= prev) {
            duplicates.incrementAndGet();
            return prev;
          }
          if (e.version() != prev + 1) {
            violations.add(actor + ": version " + e.version() + " after " + prev + " on " + nodeId);
          }
          return e.version();
        });
    };
    Function<Connection, CheckpointStore> kv = c -> KvCheckpointStore.open(c, namespace, 3);
    EventStore writer = writerStore();

    start("n1", kv, handler.apply("n1"));
    append(writer, "acc-", 24, 5);
    // joins move shards, and the partitions on them, from n1 to the newcomers
    start("n2", kv, handler.apply("n2"));
    start("n3", kv, handler.apply("n3"));
    Set<String> all = Set.of("n1", "n2", "n3");
    awaitEachPartitionOnItsShardOwner(all);
    assertThat(nodes.values().stream().filter(n -> !n.projection().activePartitions().isEmpty()))
        .as("partitions are spread over the nodes").hasSizeGreaterThan(1);
    assertCheckpointEpochsAreShardEpochs(all);

    String leaving = victim();
    Node gone = nodes.get(leaving);
    Map<Integer, Long> oldEpochs = new HashMap<>();
    gone.projection().status().forEach((p, s) -> {
      if (s.runningHere()) {
        oldEpochs.put(p, s.ownerEpoch());
      }
    });
    CompletableFuture<Void> writing = CompletableFuture.runAsync(
        () -> append(writer, "acc-", 24, 10));
    await().atMost(WAIT).until(() -> versions.values().stream().mapToLong(v -> v).sum() > 200);
    int heldPartition = oldEpochs.keySet().iterator().next();
    holdActor.set(IntStream.range(0, 1_000).mapToObj(i -> "hold" + i)
        .filter(a -> Projection.partitionOf(a, PARTITIONS) == heldPartition).findFirst()
        .orElseThrow());
    holdOn.set(leaving);
    writer.append(holdActor.get(), ExpectedVersion.any(),
        List.of(NewEvent.of("Deposited", Payload.json("{\"amount\":1}"))));
    appended.merge(holdActor.get(), 1L, Long::sum);
    assertThat(holding.await(30, TimeUnit.SECONDS)).as("the held event is in progress").isTrue();
    gone.cluster().close(); // graceful leave while events keep coming
    writing.join();

    Set<String> survivors = Set.of("n1", "n2", "n3").stream().filter(n -> !n.equals(leaving))
        .collect(Collectors.toSet());
    awaitEachPartitionOnItsShardOwner(survivors);
    await().atMost(WAIT).untilAsserted(() -> assertThat(versions).isEqualTo(appended));
    assertThat(violations).as("per-actor order").isEmpty();
    assertCheckpointEpochsAreShardEpochs(survivors);
    Node survivor = nodes.get(survivors.iterator().next());
    oldEpochs.forEach((p, epoch) -> assertThat(survivor.checkpoints()
        .load(survivor.projection().status().get(p).checkpointKey()).orElseThrow().epoch())
        .as("partition %d moved from %s under a newer epoch", p, leaving).isGreaterThan(epoch));
    assertThat(gone.projection().activePartitions()).isEmpty();
    // graceful handovers (joins, the leave): the old instance committed its unit and stopped,
    // it was not fenced (the node closes a shard's gate before released, yet the shard is still
    // its own until released returns)
    for (Node n : nodes.values()) {
      n.projection().status().forEach((p, s) -> {
        if (!s.runningHere() && s.here().isPresent()) {
          assertThat(s.here().get().state()).as("partition %d handed over by %s", p, n.id())
              .isEqualTo(ProjectionState.STOPPED);
          assertThat(s.here().get().lastError()).isEmpty();
        }
      });
    }
    assertThat(oldEpochs).as("the leaving node ran partitions").isNotEmpty();

    // status, as any node sees every partition: its shard, owner, position and lag
    long last = writer.lastPosition();
    await().atMost(WAIT).untilAsserted(() -> {
      Map<Integer, PartitionStatus> status = survivor.projection().status();
      assertThat(status).hasSize(PARTITIONS);
      status.forEach((p, s) -> {
        assertThat(s.shard()).isEqualTo(ClusteredProjection.shardOf(NAME, p, SHARDS));
        assertThat(s.owner()).as("owner of partition %d", p).hasValue(ownerOf(p));
        assertThat(s.runningHere()).isEqualTo(ownerOf(p).equals(survivor.id()));
        assertThat(s.lagEvents()).as("lag of partition %d", p).isZero();
        assertThat(s.position()).as("position of partition %d", p).isEqualTo(last);
        if (s.runningHere()) {
          assertThat(s.here()).map(ProjectionStatus::state).hasValue(ProjectionState.LIVE);
        }
      });
    });
  }

  // --- PostgreSQL read model: exactly once, with per-actor order checked by the database ---

  private String createTables(String suffix) throws Exception {
    String t = suffix + "_" + Long.toHexString(id);
    sql("CREATE TABLE applied_" + t + " (position BIGINT, actor TEXT, version BIGINT, node TEXT)");
    sql("CREATE TABLE versions_" + t + " (actor TEXT PRIMARY KEY, version BIGINT NOT NULL)");
    sql("CREATE TABLE violations_" + t + " (actor TEXT, version BIGINT, node TEXT)");
    return t;
  }

  /**
   * Applies an event in the projection's transaction: records it, and advances the actor's
   * version only from the one before; a gap or reordering is recorded as a violation (inside
   * the same transaction, so a fenced owner's violation is rolled back with its effects).
   */
  private static void applyInSql(String t, String nodeId, Event e, java.sql.Connection c)
      throws Exception {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO applied_" + t
        + " (position, actor, version, node) VALUES (?, ?, ?, ?)")) {
      s.setLong(1, e.position());
      s.setString(2, e.actorId());
      s.setLong(3, e.version());
      s.setString(4, nodeId);
      s.executeUpdate();
    }
    int advanced;
    try (PreparedStatement s = c.prepareStatement("UPDATE versions_" + t
        + " SET version = ? WHERE actor = ? AND version = ?")) {
      s.setLong(1, e.version());
      s.setString(2, e.actorId());
      s.setLong(3, e.version() - 1);
      advanced = s.executeUpdate();
    }
    if (advanced == 0 && e.version() == 1) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO versions_" + t
          + " (actor, version) VALUES (?, 1) ON CONFLICT DO NOTHING")) {
        s.setString(1, e.actorId());
        advanced = s.executeUpdate();
      }
    }
    if (advanced == 0) {
      try (PreparedStatement s = c.prepareStatement("INSERT INTO violations_" + t
          + " (actor, version, node) VALUES (?, ?, ?)")) {
        s.setString(1, e.actorId());
        s.setLong(2, e.version());
        s.setString(3, nodeId);
        s.executeUpdate();
      }
    }
  }

  private static void sql(String statement) throws Exception {
    try (java.sql.Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long count(String query) throws Exception {
    DataSource ds = postgres.dataSource();
    try (java.sql.Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }

  private Map<String, Long> versionsInSql(String t) throws Exception {
    Map<String, Long> all = new TreeMap<>();
    try (java.sql.Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT actor, version FROM versions_" + t)) {
      while (r.next()) {
        all.put(r.getString(1), r.getLong(2));
      }
    }
    return all;
  }

  private static Function<Connection, CheckpointStore> jdbc(String t) {
    return c -> JdbcCheckpointStore.open(postgres.dataSource(), "cp_" + t);
  }

  private void assertExactlyOnceInOrder(String t, long events) throws Exception {
    assertThat(count("SELECT count(*) FROM applied_" + t)).as("rows applied").isEqualTo(events);
    assertThat(count("SELECT count(DISTINCT position) FROM applied_" + t))
        .as("distinct positions applied").isEqualTo(events);
    assertThat(count("SELECT count(*) FROM violations_" + t)).as("order violations").isZero();
    assertThat(versionsInSql(t)).isEqualTo(new TreeMap<>(appended));
  }

  @Test
  void crashedNode_itsPartitionsMoveAfterItsLeaseExpires_andResume_exactlyOnceInActorOrder()
      throws Exception {
    String t = createTables("crash");
    EventStore writer = writerStore();
    for (String n : List.of("n1", "n2", "n3")) {
      start(n, jdbc(t), (e, ctx) -> applyInSql(t, n, e, ctx.requireConnection()));
    }
    Set<String> all = Set.of("n1", "n2", "n3");
    awaitEachPartitionOnItsShardOwner(all);
    assertCheckpointEpochsAreShardEpochs(all);

    String crashed = victim();
    Node dead = nodes.get(crashed);
    Set<Integer> itsPartitions = dead.projection().activePartitions();
    CompletableFuture<Void> writing = CompletableFuture.runAsync(
        () -> append(writer, "acc-", 24, 15));
    await().atMost(WAIT).until(() -> count("SELECT count(*) FROM applied_" + t) > 100);
    // crash as the cluster sees it: no leave, no renewals; its stores keep their connection
    dead.clusterConnection().close();
    long crashedAt = System.nanoTime();
    writing.join();

    Set<String> survivors = all.stream().filter(n -> !n.equals(crashed))
        .collect(Collectors.toSet());
    awaitEachPartitionOnItsShardOwner(survivors);
    long movedAfterMillis = itsPartitions.stream().mapToLong(p -> {
      int shard = ClusteredProjection.shardOf(NAME, p, SHARDS);
      long at = survivors.stream().mapToLong(n -> acquiredAt.getOrDefault(n + "/" + shard, 0L))
          .max().orElseThrow();
      return (at - crashedAt) / 1_000_000;
    }).min().orElseThrow();
    await().atMost(WAIT).untilAsserted(() -> assertThat(count(
        "SELECT count(*) FROM applied_" + t)).isEqualTo(writer.lastPosition()));
    assertExactlyOnceInOrder(t, writer.lastPosition());
    assertCheckpointEpochsAreShardEpochs(survivors);
    assertThat(dead.cluster().isMember()).isFalse();
    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(dead.projection().activePartitions()).isEmpty();
      itsPartitions.forEach(p -> assertThat(dead.projection().status().get(p).runningHere())
          .as("partition %d released on the crashed node", p).isFalse());
    });
    LoggerFactory.getLogger(ClusteredProjectionIT.class).info("crash: partitions {} of {} moved"
        + " {} ms after its cluster connection closed", itsPartitions, crashed, movedAfterMillis);
    // renewed every second with a 3 s TTL: the key expires at least 2 s after the crash
    assertThat(movedAfterMillis).as("ms from the crash until a survivor acquired its shards")
        .isGreaterThanOrEqualTo(1_500);
  }

  @Test
  void staleOwnerStillRunningAfterLosingItsShard_cannotCommit_andItsEffectsRollBack()
      throws Exception {
    String t = createTables("fence");
    EventStore writer = writerStore();
    String stallActor = "stall0"; // append(writer, "stall", 1, n) appends to stall0
    int partition = Projection.partitionOf(stallActor, PARTITIONS);
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    AtomicBoolean stalled = new AtomicBoolean();
    Map<String, String> stallOn = new ConcurrentHashMap<>();
    for (String n : List.of("n1", "n2", "n3")) {
      start(n, jdbc(t), (e, ctx) -> {
        if (e.actorId().equals(stallActor) && n.equals(stallOn.get("victim"))
            && stalled.compareAndSet(false, true)) {
          entered.countDown();
          boolean interrupted = awaitIgnoringInterrupts(gate); // hangs, like a long pause
          applyInSql(t, n, e, ctx.requireConnection());
          if (interrupted) {
            Thread.currentThread().interrupt();
          }
          return;
        }
        applyInSql(t, n, e, ctx.requireConnection());
      });
    }
    Set<String> all = Set.of("n1", "n2", "n3");
    awaitEachPartitionOnItsShardOwner(all);
    append(writer, "stall", 1, 3);
    append(writer, "acc-", 12, 3);
    await().atMost(WAIT).until(() -> count("SELECT count(*) FROM applied_" + t)
        == writer.lastPosition());

    String victim = ownerOf(partition);
    Node stale = nodes.get(victim);
    long staleEpoch = stale.projection().status().get(partition).ownerEpoch();
    String key = stale.projection().status().get(partition).checkpointKey();
    stallOn.put("victim", victim);
    append(writer, "stall", 1, 1);
    long stallPosition = writer.lastPosition();
    assertThat(entered.await(30, TimeUnit.SECONDS)).as("the victim's handler started").isTrue();

    // the victim loses the cluster while its handler hangs; its store connection stays
    stale.clusterConnection().close();
    Set<String> survivors = all.stream().filter(n -> !n.equals(victim))
        .collect(Collectors.toSet());
    awaitEachPartitionOnItsShardOwner(survivors);
    String newOwner = ownerOf(partition);
    await().atMost(WAIT).untilAsserted(() -> assertThat(count("SELECT count(*) FROM applied_" + t
        + " WHERE position = " + stallPosition + " AND node = '" + newOwner + "'")).isEqualTo(1));

    gate.countDown(); // the stale owner wakes up and applies the event in its transaction
    await().atMost(WAIT).untilAsserted(() -> {
      ProjectionStatus here = stale.projection().status().get(partition).here().orElseThrow();
      assertThat(here.state()).isEqualTo(ProjectionState.FAILED);
      assertThat(here.lastError()).hasValueSatisfying(error -> assertThat(error)
          .contains("CheckpointFencedException").contains("no longer owns"));
    });
    assertThat(count("SELECT count(*) FROM applied_" + t + " WHERE position = " + stallPosition))
        .as("the stale owner's effects were rolled back").isEqualTo(1);
    assertExactlyOnceInOrder(t, writer.lastPosition());

    // the checkpoint's epoch fences it too, whatever its owner check said
    CheckpointStore checkpoints = stale.checkpoints();
    assertThat(checkpoints.load(key).orElseThrow().epoch()).isGreaterThan(staleEpoch);
    try (CheckpointStore.Transaction tx = checkpoints.begin(key, staleEpoch)) {
      assertThatThrownBy(() -> tx.commit(stallPosition))
          .isInstanceOf(CheckpointFencedException.class);
    }
    assertThatThrownBy(() -> checkpoints.claim(key, staleEpoch))
        .isInstanceOf(CheckpointFencedException.class);
    assertExactlyOnceInOrder(t, writer.lastPosition());
  }

  /** Waits for the gate (at most 90 s) through interrupts; returns whether it was interrupted. */
  private static boolean awaitIgnoringInterrupts(CountDownLatch gate) {
    boolean interrupted = false;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (gate.getCount() > 0 && System.nanoTime() < until) {
      try {
        gate.await(until - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    return interrupted;
  }

  @Test
  void exclusive_runsOnTheOwnerOfItsOneShard_andResumesOnAnotherNodeWhenItLeaves()
      throws Exception {
    Map<String, Long> versions = new ConcurrentHashMap<>();
    Map<String, Set<String>> appliedOn = new ConcurrentHashMap<>();
    Function<Connection, CheckpointStore> kv = c -> KvCheckpointStore.open(c, namespace, 3);
    EventStore writer = writerStore();
    for (String n : List.of("n1", "n2", "n3")) {
      start(n, kv, (e, ctx) -> {
        versions.merge(e.actorId(), e.version(), Math::max);
        appliedOn.computeIfAbsent(e.actorId(), a -> ConcurrentHashMap.newKeySet()).add(n);
      }, 1);
    }
    int shard = ClusteredProjection.shardOf(NAME, 0, SHARDS);
    await().atMost(WAIT).untilAsserted(() -> {
      assertAssignmentSettled(Set.of("n1", "n2", "n3"));
      List<String> running = nodes.values().stream()
          .filter(n -> n.projection().activePartitions().contains(0)).map(Node::id).toList();
      assertThat(running).as("nodes running the exclusive projection").hasSize(1);
      assertThat(nodes.get(running.get(0)).cluster().ownsShard(shard)).isTrue();
    });
    append(writer, "acc-", 6, 3);
    String first = ownerOf(0);
    await().atMost(WAIT).untilAsserted(() -> assertThat(versions).isEqualTo(appended));
    nodes.get(first).cluster().close();
    append(writer, "late-", 6, 2);
    await().atMost(WAIT).untilAsserted(() -> assertThat(versions).isEqualTo(appended));
    String second = ownerOf(0);
    assertThat(second).isNotEqualTo(first);
    assertThat(appliedOn.get("acc-0")).containsExactly(first);
    assertThat(appliedOn.get("late-0")).containsExactly(second);
    assertThat(nodes.get(second).projection().status().get(0).checkpointKey()).isEqualTo(NAME);
  }

  @Test
  void attach_refusesACluster_withFewerShardsThanPartitions() {
    Connection connection = track(NATS.connect());
    EventStore events = track(JetStreamEventStore.builder(connection, namespace).replicas(3)
        .build());
    ClusteredProjection projection = track(ClusteredProjection.builder()
        .projection(Projection.builder().name(NAME).eventStore(events).onAny((e, ctx) -> { })
            .checkpointStore(KvCheckpointStore.open(connection, namespace, 3)))
        .partitions(PARTITIONS)
        .build());
    ClusterNode node = track(ClusterNode.builder().connection(connection).clusterName(cluster)
        .nodeId("small").replicas(3).shardCount(4).shardListener(projection.shardListener())
        .build());
    assertThatThrownBy(() -> projection.attach(node))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("6 partitions").hasMessageContaining("only 4 shards");
  }
}
