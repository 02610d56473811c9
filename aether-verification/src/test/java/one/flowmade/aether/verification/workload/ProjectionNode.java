package one.flowmade.aether.verification.workload;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.projection.cluster.ClusteredProjection;
import one.flowmade.aether.verification.history.HistoryLog;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One projection node of the projection fault-injection run, as a separate OS process: it joins
 * the Aether cluster and runs its share of a partitioned {@link ClusteredProjection} whose handler
 * records every application in PostgreSQL (event, actor, version, position, partition, the epoch
 * under which this node holds the partition, node and process) and counts it per event. With
 * {@code store=jdbc} the checkpoints are a {@link JdbcCheckpointStore} and the records are written
 * through the unit of work's connection (exactly-once effects); with {@code store=kv} the
 * checkpoints are a {@link KvCheckpointStore} and the records are written on a connection of
 * their own, committed at once (at-least-once). Leader terms and shard tenures go to its history
 * log as for {@link WorkloadNode}.
 *
 * <p>Arguments, all {@code key=value}: {@code servers} (comma-separated NATS URLs), {@code
 * namespace}, {@code cluster}, {@code node}, {@code incarnation}, {@code log}, {@code shards},
 * {@code partitions}, {@code projection} (its name), {@code store} ({@code jdbc} or {@code kv}),
 * {@code jdbc} (the PostgreSQL URL; user {@code postgres}). Runs until SIGTERM, then leaves the
 * cluster (handing its partitions over) and closes its log.
 */
public final class ProjectionNode {

  private static final Logger LOG = LoggerFactory.getLogger(ProjectionNode.class);
  static final String APPLY_SQL = "INSERT INTO projected_apply (event_id, actor, version,"
      + " position, partition, epoch, node, process) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
  static final String COUNT_SQL = "INSERT INTO projected_count (event_id, applies) VALUES (?, 1)"
      + " ON CONFLICT (event_id) DO UPDATE SET applies = projected_count.applies + 1";

  private final Map<String, String> args;
  private final String node;
  private final String process;
  private final int shards;
  private final int partitions;
  private final String name;
  private final boolean jdbc;
  private final HistoryLog log;
  private final ClusterRecorder recorder;
  private final PGSimpleDataSource dataSource = new PGSimpleDataSource();
  /** KV mode: each partition thread's own autocommit connection. */
  private final Map<Thread, java.sql.Connection> ownConnections = new HashMap<>();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private Connection connection;
  private JetStreamEventStore store;
  private ClusteredProjection projection;
  private ClusterNode cluster;

  private ProjectionNode(Map<String, String> args) {
    this.args = args;
    this.node = required("node");
    this.process = node + "#" + required("incarnation");
    this.shards = Integer.parseInt(required("shards"));
    this.partitions = Integer.parseInt(required("partitions"));
    this.name = required("projection");
    String mode = required("store");
    if (!mode.equals("jdbc") && !mode.equals("kv")) {
      throw new IllegalArgumentException("store must be jdbc or kv, was '" + mode + "'");
    }
    this.jdbc = mode.equals("jdbc");
    this.log = HistoryLog.open(Path.of(required("log")));
    this.recorder = new ClusterRecorder(process, log);
    dataSource.setUrl(required("jdbc"));
    dataSource.setUser("postgres");
    dataSource.setConnectTimeout(5);
    dataSource.setSocketTimeout(30);
  }

  /**
   * Runs a projection node until the JVM is asked to shut down.
   *
   * @param args {@code key=value} arguments (see the class comment)
   * @throws Exception if the node cannot start
   */
  public static void main(String[] args) throws Exception {
    ProjectionNode n = new ProjectionNode(WorkloadConfig.keyValues(args));
    Runtime.getRuntime().addShutdownHook(new Thread(n::stop, "aether-projection-node-stop"));
    n.run();
  }

  private String required(String key) {
    String value = args.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return value;
  }

  private void run() throws InterruptedException {
    Namespace namespace = Namespace.of(required("namespace"));
    connection = retry("connect to NATS", () -> Nats.connect(Options.builder()
        .servers(required("servers").split(","))
        .connectionName(process)
        .maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(250))
        .connectionTimeout(Duration.ofSeconds(3))
        .errorListener(new ErrorListener() { })
        .build()));
    store = retry("open the event store", () -> JetStreamEventStore.builder(connection, namespace)
        .replicas(3).requestTimeout(Duration.ofSeconds(2)).build());
    CheckpointStore checkpoints = retry("open the checkpoint store", () -> jdbc
        ? JdbcCheckpointStore.open(dataSource) : KvCheckpointStore.open(connection, namespace, 3));
    projection = ClusteredProjection.builder()
        .projection(Projection.builder()
            .name(name)
            .eventStore(store)
            .onAny(this::apply)
            .checkpointStore(checkpoints)
            .batchSize(50)
            .errorPolicy(ErrorPolicy.stop()))
        .partitions(partitions)
        .build();
    cluster = retry("join the cluster", () -> Startup.clusterNode(connection,
            required("cluster"), node, shards)
        .leadershipListener(recorder)
        .shardListener(recorderAround(projection.shardListener()))
        .build());
    projection.attach(cluster);
    recorder.ownership(cluster::ownsShard);
    Thread confirmer = new Thread(this::confirmLoop, "aether-projection-node-confirm");
    confirmer.setDaemon(true);
    confirmer.start();
    System.out.println("projection node " + process + " running");
    System.out.flush();
    stopped.await();
  }

  /**
   * The recorder learns of an acquisition before the partition starts and of a release after it
   * stopped, so a handler always finds the epoch of the tenure it runs in.
   */
  private ShardListener recorderAround(ShardListener partitions) {
    return new ShardListener() {
      @Override
      public void assignmentChanged(ShardAssignment assignment) {
        partitions.assignmentChanged(assignment);
      }

      @Override
      public void acquired(int shard, long epoch) {
        recorder.acquired(shard, epoch);
        partitions.acquired(shard, epoch);
      }

      @Override
      public void released(int shard, long epoch, ReleaseReason reason) {
        partitions.released(shard, epoch, reason);
        recorder.released(shard, epoch, reason);
      }
    };
  }

  private void apply(Event event, ProjectionContext ctx) throws SQLException {
    int partition = Projection.partitionOf(event.actorId(), partitions);
    long epoch = recorder.epochOf(ClusteredProjection.shardOf(name, partition, shards));
    java.sql.Connection c = jdbc ? ctx.requireConnection() : ownConnection();
    try (PreparedStatement apply = c.prepareStatement(APPLY_SQL);
        PreparedStatement count = c.prepareStatement(COUNT_SQL)) {
      apply.setString(1, event.id());
      apply.setString(2, event.actorId());
      apply.setLong(3, event.version());
      apply.setLong(4, event.position());
      apply.setInt(5, partition);
      apply.setLong(6, epoch);
      apply.setString(7, node);
      apply.setString(8, process);
      apply.executeUpdate();
      count.setString(1, event.id());
      count.executeUpdate();
    } catch (SQLException e) {
      if (!jdbc) {
        dropOwnConnection();
      }
      throw e;
    }
  }

  private synchronized java.sql.Connection ownConnection() throws SQLException {
    for (Iterator<Map.Entry<Thread, java.sql.Connection>> it = ownConnections.entrySet()
        .iterator(); it.hasNext(); ) {
      Map.Entry<Thread, java.sql.Connection> e = it.next();
      if (!e.getKey().isAlive()) {
        closeQuietly(e.getValue());
        it.remove();
      }
    }
    java.sql.Connection c = ownConnections.get(Thread.currentThread());
    if (c == null) {
      c = dataSource.getConnection();
      c.setAutoCommit(true);
      ownConnections.put(Thread.currentThread(), c);
    }
    return c;
  }

  private synchronized void dropOwnConnection() {
    java.sql.Connection c = ownConnections.remove(Thread.currentThread());
    if (c != null) {
      closeQuietly(c);
    }
  }

  private static void closeQuietly(java.sql.Connection c) {
    try {
      c.close();
    } catch (SQLException e) {
      LOG.debug("closing a read-model connection failed: {}", e.toString());
    }
  }

  private void confirmLoop() {
    while (running) {
      try {
        recorder.confirm();
      } catch (RuntimeException e) {
        LOG.warn("{}: confirmation failed: {}", process, e.toString());
      }
      try {
        TimeUnit.MILLISECONDS.sleep(200);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private <T> T retry(String what, Startup.Step<T> step) throws InterruptedException {
    return Startup.retry(process, what, step);
  }

  /** Leaves the cluster (handing the partitions over), stops the partitions, closes the log. */
  private void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      if (cluster != null) {
        cluster.close();
      }
      if (projection != null) {
        projection.close();
      }
      if (store != null) {
        store.close();
      }
      if (connection != null) {
        connection.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.warn("{}: closing failed: {}", process, e.toString());
    } finally {
      synchronized (this) {
        ownConnections.values().forEach(ProjectionNode::closeQuietly);
      }
      log.close();
      stopped.countDown();
    }
  }
}
