package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.JdbcCheckpointStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.postgres.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Projections on a real nats-server (JetStream store, KV checkpoints) and a real PostgreSQL. */
final class ProjectionIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static NatsServer nats;
  private static PostgresServer postgres;
  private static Connection nc;

  @BeforeAll
  static void start() throws Exception {
    nats = NatsServer.start();
    postgres = PostgresServer.start();
    nc = nats.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    nc.close();
    nats.close();
    postgres.close();
  }

  private static void deposit(EventStore store, int count, int accounts) {
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      pending.add(store.appendAsync("acc-" + (i % accounts), ExpectedVersion.any(),
          List.of(NewEvent.of("Deposited", Payload.json("{\"amount\":1}")))));
      if (pending.size() == 200) {
        pending.forEach(CompletableFuture::join);
        pending.clear();
      }
    }
    pending.forEach(CompletableFuture::join);
  }

  private static void sql(DataSource ds, String statement) throws Exception {
    try (java.sql.Connection c = ds.getConnection(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static long count(DataSource ds, String query) throws Exception {
    try (java.sql.Connection c = ds.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(query)) {
      r.next();
      return r.getLong(1);
    }
  }

  private static void applyJdbc(Event e, ProjectionContext ctx) throws Exception {
    java.sql.Connection c = ctx.requireConnection();
    try (PreparedStatement applied = c.prepareStatement(
            "INSERT INTO applied (position, event_id) VALUES (?, ?)");
        PreparedStatement balance = c.prepareStatement("INSERT INTO balance (account, amount)"
            + " VALUES (?, 1) ON CONFLICT (account) DO UPDATE SET amount = balance.amount + 1")) {
      applied.setLong(1, ctx.position());
      applied.setString(2, ctx.eventId());
      applied.executeUpdate();
      balance.setString(1, e.actorId());
      balance.executeUpdate();
    }
  }

  @Test
  void jdbc_exactlyOnce_evenWhenTheDatabaseGoesAwayMidRun() throws Exception {
    DataSource ds = postgres.dataSource();
    sql(ds, "CREATE TABLE applied (position BIGINT PRIMARY KEY, event_id TEXT NOT NULL)");
    sql(ds, "CREATE TABLE balance (account TEXT PRIMARY KEY, amount BIGINT NOT NULL)");
    JdbcCheckpointStore checkpoints = JdbcCheckpointStore.open(ds);
    try (EventStore store = JetStreamEventStore.builder(nc, Namespace.of("jdbc")).build()) {
      deposit(store, 2_000, 20);
      try (Projection p = Projection.builder().name("balances").eventStore(store)
          .checkpointStore(checkpoints).batchSize(250).onAny(ProjectionIT::applyJdbc)
          .errorPolicy(ErrorPolicy.stop().withRetries(3, Duration.ofMillis(50),
              Duration.ofMillis(200))).build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.status().state() == ProjectionState.LIVE
            && p.status().position() == 2_000);
        assertThat(count(ds, "SELECT count(*) FROM applied")).isEqualTo(2_000);

        postgres.stop();
        deposit(store, 300, 20);
        await().atMost(WAIT).until(() -> p.status().lastError().orElse("")
            .contains("checkpoint store unavailable"));
        long stuck = p.status().position();
        assertThat(p.status().state()).as("retrying, not failed").isEqualTo(ProjectionState.LIVE);
        assertThat(stuck).isLessThan(2_300);

        postgres.restart();
        await().atMost(WAIT).until(() -> p.status().position() == 2_300);
      }
      assertThat(count(ds, "SELECT count(*) FROM applied")).as("each event applied once")
          .isEqualTo(2_300);
      assertThat(count(ds, "SELECT sum(amount) FROM balance")).isEqualTo(2_300);
      assertThat(checkpoints.load("balances")).map(Checkpoint::position).contains(2_300L);
    }
  }

  @Test
  void jdbc_aStaleOwnersEffectsAreRolledBack() throws Exception {
    DataSource ds = postgres.dataSource();
    sql(ds, "CREATE TABLE stale_effects (position BIGINT PRIMARY KEY)");
    JdbcCheckpointStore checkpoints = JdbcCheckpointStore.open(ds);
    Checkpoint stale = checkpoints.claim("fenced");
    checkpoints.claim("fenced");
    try (var tx = checkpoints.begin("fenced", stale.epoch())) {
      try (Statement s = tx.connection().orElseThrow().createStatement()) {
        s.execute("INSERT INTO stale_effects VALUES (1)");
      }
      try {
        tx.commit(1);
      } catch (one.flowmade.aether.projection.CheckpointFencedException expected) {
        assertThat(expected).hasMessageContaining("rolled back");
      }
    }
    assertThat(count(ds, "SELECT count(*) FROM stale_effects")).isZero();
    assertThat(checkpoints.load("fenced")).map(Checkpoint::position).contains(0L);
  }

  @Test
  void kv_closingDuringCatchUpIsClean_andTheNextInstanceResumesFromTheCheckpoint()
      throws Exception {
    Set<Long> seen = ConcurrentHashMap.newKeySet();
    KvCheckpointStore checkpoints = KvCheckpointStore.open(nc, Namespace.of("kv"));
    try (EventStore store = JetStreamEventStore.builder(nc, Namespace.of("kv")).build()) {
      deposit(store, 3_000, 50);
      Projection.Builder builder = Projection.builder().name("counter").eventStore(store)
          .checkpointStore(checkpoints).batchSize(100).onAny((e, c) -> seen.add(c.position()));
      Projection first = builder.build();
      first.start();
      await().atMost(WAIT).until(() -> first.status().position() > 0);
      first.close();
      assertThat(first.status().state()).isEqualTo(ProjectionState.STOPPED);
      long stoppedAt = first.status().position();
      assertThat(checkpoints.load("counter")).map(Checkpoint::position).contains(stoppedAt);

      try (Projection second = builder.build()) {
        second.start();
        await().atMost(WAIT).until(() -> second.status().state() == ProjectionState.LIVE
            && second.status().position() == 3_000);
        assertThat(second.status().applied()).isLessThanOrEqualTo(3_000 - stoppedAt + 100);
        assertThat(second.status().lagEvents()).isZero();
      }
      for (long pos = 1; pos <= 3_000; pos++) {
        assertThat(seen).as("position " + pos + " applied").contains(pos);
      }
    }
  }
}
