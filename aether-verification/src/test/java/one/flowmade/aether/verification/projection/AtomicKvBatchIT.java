package one.flowmade.aether.verification.projection;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ADR-50 experiment of the projections issue (item 2), on the nats-server the project uses
 * (2.15.1): can a read model kept in a NATS KV bucket write its rows and its checkpoint in one
 * atomic batch, which would give exactly-once effects without a database? Each test is one
 * question, answered by what the server does; {@code docs/projections.md} reports the answers.
 *
 * <p>A batch is published as ADR-50 says: every message carries {@code Nats-Batch-Id} and a
 * contiguous {@code Nats-Batch-Sequence}, all but the last by a core publish (the server
 * acknowledges none of them), the last with {@code Nats-Batch-Commit: 1} as a JetStream publish
 * whose ack covers the batch. Each write carries {@code Nats-Expected-Last-Subject-Sequence}, the
 * compare-and-set a KV update uses, so the checkpoint's revision can fence a stale owner.
 */
final class AtomicKvBatchIT {

  private static final AtomicInteger NEXT = new AtomicInteger();
  private static NatsServer nats;
  private static Connection connection;
  private static JetStreamManagement jsm;

  @BeforeAll
  static void start() throws Exception {
    nats = NatsServer.start();
    connection = nats.connect();
    jsm = connection.jetStreamManagement();
  }

  @AfterAll
  static void stop() throws Exception {
    connection.close();
    nats.close();
  }

  /** One KV write of a batch: key, value, and the revision the key must be at (0: absent). */
  private record Write(String key, String value, long expectedRevision) { }

  /** A bucket whose stream allows atomic batches (KV buckets do not by default). */
  private static String atomicBucket() throws Exception {
    return atomicBucket(connection, 1);
  }

  private static String atomicBucket(Connection connection, int replicas) throws Exception {
    JetStreamManagement jsm = connection.jetStreamManagement();
    String bucket = "rm-atomic-" + NEXT.incrementAndGet();
    connection.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket)
        .storageType(StorageType.File).maxHistoryPerKey(1).replicas(replicas).build());
    StreamInfo info = jsm.getStreamInfo("KV_" + bucket);
    assertThat(info.getConfiguration().getAllowAtomicPublish())
        .as("a KV bucket's stream allows atomic batches by default").isFalse();
    jsm.updateStream(StreamConfiguration.builder(info.getConfiguration())
        .allowAtomicPublish(true).build());
    assertThat(jsm.getStreamInfo("KV_" + bucket).getConfiguration().getAllowAtomicPublish())
        .as("the server accepts allow_atomic on a KV bucket's stream, updated in place").isTrue();
    return bucket;
  }

  /** Publishes {@code writes} as one batch, committed by the last one; returns the commit's ack. */
  private static PublishAck batch(String bucket, List<Write> writes) throws Exception {
    return batch(connection, bucket, writes);
  }

  private static PublishAck batch(Connection connection, String bucket, List<Write> writes)
      throws Exception {
    JetStream js = connection.jetStream();
    String id = "b-" + System.nanoTime();
    PublishAck ack = null;
    for (int i = 0; i < writes.size(); i++) {
      Write w = writes.get(i);
      Headers headers = new Headers().add("Nats-Batch-Id", id)
          .add("Nats-Batch-Sequence", Integer.toString(i + 1))
          .add("Nats-Expected-Last-Subject-Sequence", Long.toString(w.expectedRevision()));
      boolean last = i == writes.size() - 1;
      if (last) {
        headers.add("Nats-Batch-Commit", "1");
      }
      NatsMessage message = NatsMessage.builder().subject("$KV." + bucket + "." + w.key())
          .headers(headers).data(w.value().getBytes(UTF_8)).build();
      if (last) {
        ack = js.publish(message);
      } else {
        connection.publish(message);
      }
    }
    return ack;
  }

  private static String value(KeyValue kv, String key) throws Exception {
    KeyValueEntry entry = kv.get(key);
    return entry == null ? null : new String(entry.getValue(), UTF_8);
  }

  private static long revision(KeyValue kv, String key) throws Exception {
    KeyValueEntry entry = kv.get(key);
    return entry == null ? 0 : entry.getRevision();
  }

  @Test
  void rowsAndCheckpoint_commitTogether_asConsecutiveRevisions() throws Exception {
    String bucket = atomicBucket();
    KeyValue kv = connection.keyValue(bucket);

    PublishAck ack = batch(bucket, List.of(new Write("balance.acc-1", "10", 0),
        new Write("balance.acc-2", "5", 0), new Write("checkpoint", "position=2", 0)));

    assertThat(ack.getBatchSize()).isEqualTo(3);
    assertThat(ack.getBatchId()).startsWith("b-");
    assertThat(value(kv, "balance.acc-1")).isEqualTo("10");
    assertThat(value(kv, "balance.acc-2")).isEqualTo("5");
    assertThat(value(kv, "checkpoint")).isEqualTo("position=2");
    assertThat(List.of(revision(kv, "balance.acc-1"), revision(kv, "balance.acc-2"),
        revision(kv, "checkpoint"))).containsExactly(ack.getSeqno() - 2, ack.getSeqno() - 1,
        ack.getSeqno());
  }

  @Test
  void aStaleCheckpointRevision_abandonsTheWholeBatch_rowsIncluded() throws Exception {
    assertAStaleCheckpointStoresNothing(connection, atomicBucket());
  }

  /**
   * Commits a row and a checkpoint, lets another owner move the checkpoint on (a claim, as a
   * fencing KV checkpoint store does), then has the old owner commit a row that is right by itself
   * with a stale checkpoint revision: the commit is refused and nothing of the batch is stored.
   */
  private static void assertAStaleCheckpointStoresNothing(Connection c, String bucket)
      throws Exception {
    KeyValue kv = c.keyValue(bucket);
    batch(c, bucket, List.of(new Write("balance.acc-1", "10", 0),
        new Write("checkpoint", "position=1", 0)));
    long row = revision(kv, "balance.acc-1");
    long checkpoint = revision(kv, "checkpoint");
    kv.update("checkpoint", "position=1;epoch=2".getBytes(UTF_8), checkpoint);
    long lastBefore = c.jetStreamManagement().getStreamInfo("KV_" + bucket).getStreamState()
        .getLastSequence();

    JetStreamApiException refused = catchThrowableOfType(JetStreamApiException.class,
        () -> batch(c, bucket, List.of(new Write("balance.acc-1", "15", row),
            new Write("checkpoint", "position=2", checkpoint))));

    assertThat(refused).as("the commit is refused").isNotNull();
    assertThat(refused.getApiErrorCode()).as(refused.getMessage()).isEqualTo(10071);
    assertThat(value(kv, "balance.acc-1")).as("the row of the refused batch").isEqualTo("10");
    assertThat(value(kv, "checkpoint")).isEqualTo("position=1;epoch=2");
    assertThat(c.jetStreamManagement().getStreamInfo("KV_" + bucket).getStreamState()
        .getLastSequence()).as("nothing of the batch is stored").isEqualTo(lastBefore);
  }

  @Test
  void aBatchNeverCommitted_storesNothing_andTheNextBatchCommits() throws Exception {
    String bucket = atomicBucket();
    KeyValue kv = connection.keyValue(bucket);
    // A writer that dies after the first message of its batch: no commit ever comes.
    connection.publish(NatsMessage.builder().subject("$KV." + bucket + ".balance.acc-1")
        .headers(new Headers().add("Nats-Batch-Id", "dead-writer")
            .add("Nats-Batch-Sequence", "1"))
        .data("99".getBytes(UTF_8)).build());
    connection.flush(Duration.ofSeconds(5));

    assertThat(value(kv, "balance.acc-1")).as("a staged message is not visible").isNull();
    assertThat(jsm.getStreamInfo("KV_" + bucket).getStreamState().getMsgCount()).isZero();

    PublishAck ack = batch(bucket, List.of(new Write("balance.acc-1", "10", 0),
        new Write("checkpoint", "position=1", 0)));
    assertThat(ack.getBatchSize()).isEqualTo(2);
    assertThat(value(kv, "balance.acc-1")).isEqualTo("10");
    assertThat(jsm.getStreamInfo("KV_" + bucket).getStreamState().getMsgCount()).isEqualTo(2);
  }

  @Test
  void aBucketWithoutAllowAtomic_refusesTheBatch_andStoresNothing() throws Exception {
    String bucket = "rm-plain-" + NEXT.incrementAndGet();
    KeyValue kv = connection.keyValue(connection.keyValueManagement()
        .create(KeyValueConfiguration.builder().name(bucket).storageType(StorageType.File)
            .build()).getBucketName());

    JetStreamApiException refused = catchThrowableOfType(JetStreamApiException.class,
        () -> batch(bucket, List.of(new Write("balance.acc-1", "10", 0),
            new Write("checkpoint", "position=1", 0))));

    assertThat(refused).as("a batch on a stream without allow_atomic").isNotNull();
    assertThat(refused.getApiErrorCode()).as(refused.getMessage()).isEqualTo(10174);
    assertThat(value(kv, "balance.acc-1")).isNull();
    assertThat(value(kv, "checkpoint")).isNull();
  }

  @Test
  void onThreeReplicas_rowsAndCheckpointCommitTogether_andAStaleOneStoresNothing()
      throws Exception {
    try (NatsCluster cluster = NatsCluster.start(); Connection c = cluster.connect()) {
      String bucket = atomicBucket(c, 3);
      PublishAck ack = batch(c, bucket, List.of(new Write("balance.acc-2", "5", 0),
          new Write("balance.acc-3", "7", 0)));
      assertThat(ack.getBatchSize()).isEqualTo(2);
      assertThat(value(c.keyValue(bucket), "balance.acc-3")).isEqualTo("7");
      assertAStaleCheckpointStoresNothing(c, bucket);
    }
  }
}
