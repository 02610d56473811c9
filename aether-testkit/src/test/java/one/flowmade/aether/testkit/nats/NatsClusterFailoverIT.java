package one.flowmade.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.PublishOptions;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.Replica;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

// Connection.close() declares InterruptedException, which -Xlint:try reports for every
// try-with-resources on a connection; the tests let it propagate.
@SuppressWarnings("try")
final class NatsClusterFailoverIT {

  private static final Logger LOG = LoggerFactory.getLogger(NatsClusterFailoverIT.class);
  private static final String STREAM = "ORDERS";
  /** Leader failover on R3 takes 4 to 9 s on a small machine; a write may wait for it. */
  private static final Duration WRITE_DEADLINE = Duration.ofSeconds(30);

  @Test
  void r3Stream_keepsAcceptingWritesWhenItsLeaderIsKilled_andTheRestartedNodeCatchesUp()
      throws Exception {
    try (NatsCluster cluster = NatsCluster.start();
        Connection nc = cluster.connect()) {
      JetStreamManagement jsm = nc.jetStreamManagement();
      jsm.addStream(
          StreamConfiguration.builder()
              .name(STREAM)
              .subjects("orders.>")
              .storageType(StorageType.File)
              .replicas(3)
              .duplicateWindow(Duration.ofMinutes(2))
              .build());
      Writer writer =
          new Writer(
              nc.jetStream(JetStreamOptions.builder().requestTimeout(Duration.ofSeconds(2)).build()));

      writer.write(1, 20);
      NatsNode leader = cluster.streamLeader(STREAM);
      long killedAt = System.nanoTime();
      leader.kill();
      writer.write(21, 21);
      LOG.info(
          "first write after killing stream leader {} was acknowledged after {} ms",
          leader.name(),
          (System.nanoTime() - killedAt) / 1_000_000);
      writer.write(22, 60);

      NatsNode newLeader = cluster.streamLeader(STREAM);
      assertThat(newLeader.name()).isNotEqualTo(leader.name());

      long restartedAt = System.nanoTime();
      leader.restart();
      await("every replica of " + STREAM + " to be current again")
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(250))
          .untilAsserted(() -> assertAllReplicasCurrent(jsm.getStreamInfo(STREAM)));
      cluster.waitForJetStreamReady();
      await(leader.name() + "'s copy of " + STREAM + " to hold every acknowledged message")
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(250))
          .until(() -> localMessageCount(leader, STREAM) == writer.acknowledged().size());
      LOG.info(
          "restarted {} caught up after {} ms",
          leader.name(),
          (System.nanoTime() - restartedAt) / 1_000_000);

      writer.write(61, 80);

      assertThat(writer.acknowledged()).hasSize(80);
      assertThat(storedMessageIds(jsm)).containsExactlyElementsOf(writer.acknowledged());
      LOG.info(
          "{} publish attempts failed and were retried: {}", writer.retries(), writer.retryCauses());
    }
  }

  private static void assertAllReplicasCurrent(StreamInfo info) {
    ClusterInfo cluster = info.getClusterInfo();
    assertThat(cluster.getLeader()).isNotBlank();
    assertThat(cluster.getReplicas())
        .hasSize(2)
        .allSatisfy(
            r -> {
              assertThat(r.isOffline()).as("%s offline", r.getName()).isFalse();
              assertThat(r.isCurrent()).as("%s current", r.getName()).isTrue();
            });
    List<String> members = new ArrayList<>(List.of(cluster.getLeader()));
    cluster.getReplicas().stream().map(Replica::getName).forEach(members::add);
    assertThat(members).containsExactlyInAnyOrder("n1", "n2", "n3");
  }

  /** The number of messages in the node's own copy of the stream, from its /jsz. */
  private static long localMessageCount(NatsNode node, String stream) throws IOException {
    URI jsz = URI.create(node.monitorUrl() + "/jsz?streams=true");
    String body;
    try (InputStream in = jsz.toURL().openStream()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    JsonValue accounts = JsonParser.parseUnchecked(body).map.get("account_details");
    if (accounts == null || accounts.array == null) {
      return -1;
    }
    for (JsonValue account : accounts.array) {
      JsonValue streams = account.map.get("stream_detail");
      if (streams == null || streams.array == null) {
        continue;
      }
      for (JsonValue s : streams.array) {
        if (stream.equals(s.map.get("name").string)) {
          return s.map.get("state").map.get("messages").number.longValue();
        }
      }
    }
    return -1;
  }

  /** The Nats-Msg-Id of every stored message, in stream order. */
  private static List<String> storedMessageIds(JetStreamManagement jsm) throws Exception {
    StreamInfo info = jsm.getStreamInfo(STREAM);
    List<String> ids = new ArrayList<>();
    for (long seq = info.getStreamState().getFirstSequence();
        seq <= info.getStreamState().getLastSequence();
        seq++) {
      MessageInfo message = jsm.getMessage(STREAM, seq);
      ids.add(message.getHeaders().getFirst("Nats-Msg-Id"));
    }
    return ids;
  }

  /** Writes numbered orders one at a time, retrying each until it is acknowledged. */
  private static final class Writer {

    private final JetStream js;
    private final List<String> acknowledged = new ArrayList<>();
    private final AtomicInteger retries = new AtomicInteger();
    private final Map<String, Integer> retryCauses = new ConcurrentHashMap<>();

    Writer(JetStream js) {
      this.js = js;
    }

    void write(int from, int to) {
      for (int i = from; i <= to; i++) {
        String id = "order-" + i;
        PublishOptions options = PublishOptions.builder().messageId(id).expectedStream(STREAM).build();
        byte[] data = id.getBytes(StandardCharsets.UTF_8);
        String subject = "orders." + i % 5;
        AtomicReference<PublishAck> ack = new AtomicReference<>();
        await("acknowledgement of " + id)
            .atMost(WRITE_DEADLINE)
            .pollDelay(Duration.ZERO)
            .pollInterval(Duration.ofMillis(100))
            .until(() -> tryPublish(subject, data, options, ack));
        assertThat(ack.get().getStream()).isEqualTo(STREAM);
        acknowledged.add(id);
      }
    }

    private boolean tryPublish(
        String subject, byte[] data, PublishOptions options, AtomicReference<PublishAck> ack)
        throws JetStreamApiException {
      try {
        ack.set(js.publish(subject, data, options));
        return true;
      } catch (IOException timeoutOrNoResponders) {
        retried(timeoutOrNoResponders);
        return false;
      } catch (JetStreamApiException e) {
        if (e.getErrorCode() == 503) {
          retried(e);
          return false;
        }
        throw e;
      }
    }

    private void retried(Exception cause) {
      retries.incrementAndGet();
      String kind = cause.getClass().getSimpleName() + ": " + cause.getMessage();
      retryCauses.merge(kind, 1, Integer::sum);
    }

    List<String> acknowledged() {
      return acknowledged;
    }

    int retries() {
      return retries.get();
    }

    Map<String, Integer> retryCauses() {
      return Map.copyOf(retryCauses);
    }
  }
}
