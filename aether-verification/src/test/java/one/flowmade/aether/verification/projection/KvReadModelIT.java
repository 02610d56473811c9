package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.nats.TokenEncoding;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.CheckpointFencedException;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.KvBatch;
import one.flowmade.aether.projection.KvReadModel;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link KvReadModel} on nats-server: a projection's rows and checkpoint commit in one atomic
 * batch, exactly once, through a crash between two messages of a batch; a stale owner's batch
 * stores nothing (one node and three replicas); buckets without {@code allow_atomic}, bad keys and
 * values, and the batch limit are refused with errors that say what to do.
 */
final class KvReadModelIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final AtomicInteger NEXT = new AtomicInteger();
  private static NatsServer nats;
  private static Connection first;
  private static Connection second;

  @BeforeAll
  static void start() throws Exception {
    nats = NatsServer.start();
    first = nats.connect();
    second = nats.connect();
  }

  @AfterAll
  static void stop() throws Exception {
    first.close();
    second.close();
    nats.close();
  }

  private static String unique(String prefix) {
    return prefix + "-" + NEXT.incrementAndGet();
  }

  /** Appends {@code perActor} events to each of {@code actors} actors, round robin. */
  private static void append(EventStore store, int actors, int perActor) {
    for (int round = 0; round < perActor; round++) {
      for (int a = 0; a < actors; a++) {
        store.append("acc-" + a, ExpectedVersion.any(),
            NewEvent.of("Deposited", Payload.json("{}")));
      }
    }
  }

  /** A projection counting each actor's events in the row {@code count.<actor>}. */
  private static Projection.Builder counting(EventStore store, KvReadModel model, String name) {
    return Projection.builder().name(name).eventStore(store).checkpointStore(model).batchSize(50)
        .onAny((e, ctx) -> {
          KvBatch rows = ctx.requireKvBatch();
          String key = "count." + e.actorId();
          long n = rows.getString(key).map(Long::parseLong).orElse(0L);
          rows.put(key, Long.toString(n + 1));
        });
  }

  /** Each actor's number of events up to {@code position}. */
  private static Map<String, String> expectedCounts(EventStore store, long position) {
    Map<String, Integer> n = new HashMap<>();
    for (Event e : store.readAll(Position.beginning(), 100_000).events()) {
      if (e.position() <= position) {
        n.merge("count." + e.actorId(), 1, Integer::sum);
      }
    }
    Map<String, String> counts = new HashMap<>();
    n.forEach((k, v) -> counts.put(k, Integer.toString(v)));
    return counts;
  }

  private static Map<String, String> rows(KvReadModel model) {
    Map<String, String> rows = new HashMap<>();
    for (String k : model.keys()) {
      rows.put(k, model.getString(k).orElseThrow());
    }
    return rows;
  }

  private static long lastSequence(Connection c, String bucket) throws Exception {
    return c.jetStreamManagement().getStreamInfo("KV_" + bucket).getStreamState()
        .getLastSequence();
  }

  private static long checkpointRevision(Connection c, String bucket, String key)
      throws Exception {
    KeyValueEntry entry = c.keyValue(bucket).get("_aether.checkpoint." + TokenEncoding.encode(key));
    return entry == null ? 0 : entry.getRevision();
  }

  @Test
  void aProjection_commitsRowsAndCheckpointTogether_eachEventOnce() throws Exception {
    Namespace ns = Namespace.of(unique("kvrm"));
    String bucket = unique("counts");
    try (EventStore store = JetStreamEventStore.builder(first, ns).build()) {
      append(store, 5, 40);
      KvReadModel model = KvReadModel.open(first, bucket);
      try (Projection p = counting(store, model, "counts").build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.status().position() == 200);
        append(store, 5, 2);
        await().atMost(WAIT).until(() -> p.status().position() == 210);
        assertThat(p.state()).isEqualTo(ProjectionState.LIVE);
      }
      KvReadModel reader = KvReadModel.open(second, bucket);
      assertThat(rows(reader)).isEqualTo(expectedCounts(store, 210))
          .containsEntry("count.acc-0", "42");
      assertThat(reader.keys()).as("the query side sees rows only, not the checkpoint")
          .hasSize(5).allSatisfy(k -> assertThat(k).startsWith("count."));
      assertThat(reader.load("counts")).map(Checkpoint::position).contains(210L);
      assertThat(checkpointRevision(second, bucket, "counts"))
          .as("each batch ends with the checkpoint: it is the stream's last message")
          .isEqualTo(lastSequence(second, bucket));
      assertThat(first.jetStreamManagement().getStreamInfo("KV_" + bucket).getConfiguration()
          .getAllowAtomicPublish()).as("a bucket the read model creates allows atomic batches")
          .isTrue();
    }
  }

  @Test
  void aCrashBetweenTwoMessagesOfABatch_storesNothingOfIt_andTheNextInstanceAppliesEachEventOnce()
      throws Exception {
    Namespace ns = Namespace.of(unique("kvcrash"));
    String bucket = unique("crash");
    try (EventStore store = JetStreamEventStore.builder(first, ns).build();
        BatchCuttingProxy proxy = new BatchCuttingProxy(nats.port());
        Connection viaProxy = Nats.connect(Options.builder().server(proxy.url())
            .maxReconnects(0).build())) {
      append(store, 5, 4);
      KvReadModel crashing = KvReadModel.open(viaProxy, bucket);
      try (Projection p = counting(store, crashing, "counts")
          .errorPolicy(ErrorPolicy.stop().withRetries(1, Duration.ZERO, Duration.ofMillis(50)))
          .build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.status().position() == 20);
        proxy.arm();
        append(store, 5, 4);
        assertThat(proxy.awaitCut(30)).as("a batch commit was cut").isTrue();
        assertThat(proxy.stagedBeforeCut()).as("the server got the batch's first messages")
            .isPositive();
      }
      KvReadModel model = KvReadModel.open(second, bucket);
      long committed = model.load("counts").orElseThrow().position();
      assertThat(committed).isBetween(20L, 39L);
      assertThat(lastSequence(second, bucket)).as("nothing of the cut batch is stored")
          .isEqualTo(checkpointRevision(second, bucket, "counts"));
      assertThat(rows(model)).as("the rows are those of the committed checkpoint")
          .isEqualTo(expectedCounts(store, committed));

      try (Projection p = counting(store, model, "counts").build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.status().position() == 40);
      }
      assertThat(rows(model)).as("every event applied exactly once").isEqualTo(
          expectedCounts(store, 40)).containsEntry("count.acc-4", "8");
      assertThat(lastSequence(second, bucket)).isEqualTo(
          checkpointRevision(second, bucket, "counts"));
    }
  }

  @Test
  void aStaleOwnersBatch_isRefused_andStoresNoneOfItsRows() throws Exception {
    assertAStaleOwnerStoresNothing(KvReadModel.open(first, unique("fenced")), first, second);
  }

  @Test
  void onThreeReplicas_aStaleOwnersBatchStoresNothing_andRowsAndCheckpointCommitTogether()
      throws Exception {
    try (NatsCluster cluster = NatsCluster.start(); Connection a = cluster.connect(1);
        Connection b = cluster.connect(2)) {
      String bucket = unique("fenced3");
      KvReadModel model = KvReadModel.builder().connection(a).bucket(bucket).replicas(3).build();
      assertThat(a.jetStreamManagement().getStreamInfo("KV_" + bucket).getConfiguration()
          .getReplicas()).isEqualTo(3);
      assertAStaleOwnerStoresNothing(model, a, b);
    }
  }

  /**
   * The owner commits a unit, another instance claims, and the old owner's next unit, whose rows
   * are right by themselves, is refused by the server at the commit (the checkpoint's revision
   * moved): it fails as fenced and none of its rows is stored.
   */
  private static void assertAStaleOwnerStoresNothing(KvReadModel owner, Connection a,
      Connection b) throws Exception {
    String bucket = owner.bucket();
    Checkpoint claimed = owner.claim("balances");
    try (CheckpointStore.Transaction tx = owner.begin("balances", claimed.epoch())) {
      tx.kvBatch().orElseThrow().put("balance.acc-1", "10");
      tx.commit(1);
    }
    KvReadModel other = KvReadModel.open(b, bucket);
    Checkpoint current = other.claim("balances");
    long before = lastSequence(a, bucket);

    try (CheckpointStore.Transaction tx = owner.begin("balances", claimed.epoch())) {
      KvBatch rows = tx.kvBatch().orElseThrow();
      rows.put("balance.acc-1", "15");
      rows.put("balance.acc-2", "5");
      rows.delete("balance.acc-3");
      assertThat(rows.getString("balance.acc-1")).as("a unit sees its own writes").contains("15");
      assertThatThrownBy(() -> tx.commit(2)).isInstanceOf(CheckpointFencedException.class)
          .hasMessageContaining("balances");
    }
    assertThat(lastSequence(a, bucket)).as("nothing of the stale batch is stored")
        .isEqualTo(before);
    assertThat(other.getString("balance.acc-1")).contains("10");
    assertThat(other.get("balance.acc-2")).isEmpty();
    assertThat(other.load("balances")).contains(new Checkpoint(1, current.epoch()));

    try (CheckpointStore.Transaction tx = other.begin("balances", current.epoch())) {
      tx.kvBatch().orElseThrow().put("balance.acc-2", "5");
      tx.commit(2);
    }
    assertThat(owner.getString("balance.acc-2")).contains("5");
    assertThat(checkpointRevision(b, bucket, "balances")).isEqualTo(lastSequence(b, bucket));
  }

  @Test
  void anExistingBucketWithoutAllowAtomic_isRefused_namingTheFix_andLeftUnchanged()
      throws Exception {
    String bucket = unique("plain");
    first.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket)
        .storageType(StorageType.File).build());
    JetStreamManagement jsm = first.jetStreamManagement();

    assertThatThrownBy(() -> KvReadModel.open(first, bucket))
        .isInstanceOf(AetherNonTransientException.class)
        .hasMessageContaining("allow_atomic: true on stream KV_" + bucket);
    StreamConfiguration found = jsm.getStreamInfo("KV_" + bucket).getConfiguration();
    assertThat(found.getAllowAtomicPublish()).as("left unchanged").isFalse();

    jsm.updateStream(StreamConfiguration.builder(found).allowAtomicPublish(true).build());
    KvReadModel model = KvReadModel.open(first, bucket);
    Checkpoint c = model.claim("p");
    try (CheckpointStore.Transaction tx = model.begin("p", c.epoch())) {
      tx.kvBatch().orElseThrow().put("row", "1");
      tx.commit(1);
    }
    assertThat(model.getString("row")).contains("1");
  }

  @Test
  void badKeysAndValues_areRefusedWhenStaged_namingTheKey() throws Exception {
    String bucket = unique("limits");
    first.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket)
        .storageType(StorageType.File).maximumValueSize(200).build());
    JetStreamManagement jsm = first.jetStreamManagement();
    jsm.updateStream(StreamConfiguration.builder(jsm.getStreamInfo("KV_" + bucket)
        .getConfiguration()).allowAtomicPublish(true).build());
    KvReadModel model = KvReadModel.open(first, bucket);
    Checkpoint c = model.claim("p");
    try (CheckpointStore.Transaction tx = model.begin("p", c.epoch())) {
      KvBatch rows = tx.kvBatch().orElseThrow();
      for (String bad : List.of("", "a b", "a..b", ".a", "a.", "a.*", "a.>", "_aether.checkpoint.p",
          "_aether", "é", "x".repeat(KvReadModel.MAX_KEY_LENGTH + 1))) {
        assertThatThrownBy(() -> rows.put(bad, "1")).as("key '%s'", bad)
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not valid");
      }
      assertThatThrownBy(() -> model.get("a b")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> rows.put("big", new byte[200]))
          .as("the bucket's maximum value size counts the batch headers too")
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'big'")
          .hasMessageContaining("has 200 bytes").hasMessageContaining("takes at most 1");
      rows.put("ok/key=1.with_all-chars", new byte[100]);
      tx.commit(1);
    }
    assertThat(model.keys()).containsExactly("ok/key=1.with_all-chars");
    assertThatThrownBy(() -> KvReadModel.open(first, "aether-projections-x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aether-");
    assertThatThrownBy(() -> KvReadModel.open(first, "a.b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aUnitOfWorkFullerThanABatch_isCommittedInSeveralBatches_atEventBoundaries()
      throws Exception {
    Namespace ns = Namespace.of(unique("kvsplit"));
    String bucket = unique("split");
    try (EventStore store = JetStreamEventStore.builder(first, ns).build()) {
      append(store, 10, 3);
      KvReadModel model = KvReadModel.builder().connection(first).bucket(bucket)
          .maxBatchMessages(8).build();
      // each event writes its actor's count and one row of its own: 2 keys; 8 messages hold 3
      Projection.Builder builder = Projection.builder().name("split").eventStore(store)
          .checkpointStore(model).batchSize(50).onAny((e, ctx) -> {
            KvBatch rows = ctx.requireKvBatch();
            String key = "count." + e.actorId();
            rows.put(key, Long.toString(rows.getString(key).map(Long::parseLong).orElse(0L) + 1));
            rows.put("event." + e.position(), e.id());
          });
      try (Projection p = builder.build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.status().position() == 30);
      }
      Map<String, String> expected = expectedCounts(store, 30);
      for (Event e : store.readAll(Position.beginning(), 100).events()) {
        expected.put("event." + e.position(), e.id());
      }
      assertThat(rows(model)).isEqualTo(expected);
      assertThat(checkpointRevision(first, bucket, "split")).isEqualTo(lastSequence(first, bucket));
    }
  }

  @Test
  void anEventWritingMoreKeysThanABatchHolds_failsTheProjection_sayingSo() throws Exception {
    Namespace ns = Namespace.of(unique("kvbig"));
    String bucket = unique("big");
    try (EventStore store = JetStreamEventStore.builder(first, ns).build()) {
      append(store, 1, 1);
      KvReadModel model = KvReadModel.builder().connection(first).bucket(bucket)
          .maxBatchMessages(4).build();
      try (Projection p = Projection.builder().name("big").eventStore(store)
          .checkpointStore(model)
          .errorPolicy(ErrorPolicy.stop().withRetries(1, Duration.ZERO, Duration.ofMillis(1)))
          .onAny((e, ctx) -> {
            for (int i = 0; i < 4; i++) {
              ctx.requireKvBatch().put("row." + i, "x");
            }
          }).build()) {
        p.start();
        await().atMost(WAIT).until(() -> p.state() == ProjectionState.FAILED);
        assertThat(p.status().lastError()).hasValueSatisfying(m -> assertThat(m)
            .contains("at most 4 messages, the checkpoint included"));
        assertThat(p.status().position()).isZero();
      }
      assertThat(model.keys()).isEmpty();
    }
  }

  @Test
  void theServersBatchLimit_refusesABiggerBatch_withAnErrorNamingTheSetting() throws Exception {
    String bucket = unique("server-limit");
    KvReadModel model = KvReadModel.builder().connection(first).bucket(bucket)
        .maxBatchMessages(1001).build();
    Checkpoint c = model.claim("p");
    long before = lastSequence(first, bucket);
    try (CheckpointStore.Transaction tx = model.begin("p", c.epoch())) {
      KvBatch rows = tx.kvBatch().orElseThrow();
      for (int i = 0; i < 1000; i++) {
        rows.put("row." + i, "x");
      }
      assertThatThrownBy(() -> tx.commit(1)).isInstanceOf(AetherNonTransientException.class)
          .hasMessageContaining("maxBatchMessages").hasMessageContaining("max_batch_size");
    }
    assertThat(lastSequence(first, bucket)).as("nothing stored").isEqualTo(before);
    assertThat(model.load("p")).contains(c);
  }
}
