package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pins the nats-server behaviour the JetStream store is built on, with plain jnats, on R1 and R3
 * streams, so that a server upgrade that changes it fails here first. What is observed is written
 * up in {@code docs/jetstream-store.md}.
 */
final class ServerBehaviourIT {

  @RegisterExtension
  static final NatsServerExtension SINGLE = NatsServerExtension.singleNode();

  @RegisterExtension
  static final NatsServerExtension CLUSTER = NatsServerExtension.cluster(3);

  private static Connection single;
  private static Connection cluster;

  @BeforeAll
  static void connect() {
    single = SINGLE.connect();
    cluster = CLUSTER.connect();
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    single.close();
    cluster.close();
  }

  private static String stream(Connection nc, int replicas) throws Exception {
    String name = "B" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    JetStreamManagement jsm = nc.jetStreamManagement();
    jsm.addStream(StreamConfiguration.builder().name(name).subjects(name + ".>")
        .replicas(replicas).allowAtomicPublish(true).duplicateWindow(Duration.ofMinutes(2))
        .build());
    return name;
  }

  private static String publish(Connection nc, String subject, Headers headers) throws Exception {
    Message reply = nc.request(NatsMessage.builder().subject(subject).headers(headers)
        .data("x".getBytes(StandardCharsets.UTF_8)).build(), Duration.ofSeconds(5));
    assertThat(reply).as("reply to a publish on %s", subject).isNotNull();
    return new String(reply.getData(), StandardCharsets.UTF_8);
  }

  private static Headers expecting(String actorFilter, long sequence, String msgId) {
    return new Headers().put("Nats-Expected-Last-Subject-Sequence", Long.toString(sequence))
        .put("Nats-Expected-Last-Subject-Sequence-Subject", actorFilter)
        .put("Nats-Msg-Id", msgId);
  }

  /** Sends a batch: plain publishes, then the commit as a request; returns the commit's reply. */
  private static String batch(Connection nc, String subject, List<String> msgIds,
      String actorFilter, long expected) throws Exception {
    String batchId = UUID.randomUUID().toString();
    for (int i = 0; i < msgIds.size(); i++) {
      Headers h = new Headers().put("Nats-Batch-Id", batchId)
          .put("Nats-Batch-Sequence", Integer.toString(i + 1)).put("Nats-Msg-Id", msgIds.get(i));
      if (i == 0) {
        h.put("Nats-Expected-Last-Subject-Sequence", Long.toString(expected))
            .put("Nats-Expected-Last-Subject-Sequence-Subject", actorFilter);
      }
      if (i == msgIds.size() - 1) {
        h.put("Nats-Batch-Commit", "1");
        return publish(nc, subject, h);
      }
      nc.publish(NatsMessage.builder().subject(subject).headers(h).data(new byte[1]).build());
    }
    throw new IllegalArgumentException("empty batch");
  }

  @Test
  void duplicateWithAStaleExpectation_r1AnswersWrongLastSequence_r3AnswersTheOriginalAck()
      throws Exception {
    for (Connection nc : List.of(single, cluster)) {
      String s = stream(nc, nc == single ? 1 : 3);
      String actor = s + ".a.*";
      assertThat(publish(nc, s + ".a.T", expecting(actor, 0, "m1"))).contains("\"seq\":1");

      String retry = publish(nc, s + ".a.T", expecting(actor, 0, "m1"));

      if (nc == single) {
        assertThat(retry).contains("10071");
      } else {
        assertThat(retry).contains("\"duplicate\"").contains("\"seq\":1");
      }
      assertThat(publish(nc, s + ".a.T", expecting(actor, 1, "m1")))
          .as("retry with the current expectation").contains("\"duplicate\"");
    }
  }

  @Test
  void committedBatchSentAgain_isRefusedAsDuplicateMessageId_notAcknowledgedAgain()
      throws Exception {
    for (Connection nc : List.of(single, cluster)) {
      String s = stream(nc, nc == single ? 1 : 3);
      List<String> ids = List.of("b1", "b2", "b3");

      assertThat(batch(nc, s + ".a.T", ids, s + ".a.*", 0))
          .contains("\"seq\":3").contains("\"count\":3");
      assertThat(batch(nc, s + ".a.T", ids, s + ".a.*", 0)).contains("10201");
      assertThat(batch(nc, s + ".b.T", List.of("c1", "b2"), s + ".b.*", 0)).contains("10201");
      assertThat(batch(nc, s + ".a.T", List.of("d1", "d2"), s + ".a.*", 0)).contains("10071");
      assertThat(nc.jetStreamManagement().getStreamInfo(s).getStreamState().getMsgCount())
          .isEqualTo(3);
    }
  }

  @Test
  void lastBySubjectWithAWildcard_returnsTheActorsLastMessageOfAnyType() throws Exception {
    for (Connection nc : List.of(single, cluster)) {
      String s = stream(nc, nc == single ? 1 : 3);
      publish(nc, s + ".a.T", new Headers());
      publish(nc, s + ".b.T", new Headers());
      publish(nc, s + ".a.U", new Headers());
      publish(nc, s + ".b.U", new Headers());

      MessageInfo last = nc.jetStreamManagement().getMessage(s,
          MessageGetRequest.lastForSubject(s + ".a.*"));

      assertThat(last.getSeq()).isEqualTo(3);
      assertThat(last.getSubject()).isEqualTo(s + ".a.U");
    }
  }

  @Test
  void republish_copiesEachStoredMessageOnce_alsoOnR3_andNotRejectedOnes() throws Exception {
    for (Connection nc : List.of(single, cluster)) {
      String name = "B" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
      nc.jetStreamManagement().addStream(StreamConfiguration.builder().name(name)
          .subjects(name + ".ev.>").replicas(nc == single ? 1 : 3).allowAtomicPublish(true)
          .republish(io.nats.client.api.Republish.builder().source(name + ".ev.>")
              .destination(name + ".bus.>").build())
          .build());
      io.nats.client.Subscription bus = nc.subscribe(name + ".bus.>");
      nc.flush(Duration.ofSeconds(5));

      publish(nc, name + ".ev.a.T", expecting(name + ".ev.a.*", 0, "m1"));
      publish(nc, name + ".ev.a.T", expecting(name + ".ev.a.*", 0, "m2"));
      publish(nc, name + ".ev.a.T", expecting(name + ".ev.a.*", 1, "m1"));
      batch(nc, name + ".ev.a.U", List.of("m3", "m4"), name + ".ev.a.*", 1);

      List<String> copies = new ArrayList<>();
      Message copy;
      while ((copy = bus.nextMessage(Duration.ofSeconds(2))) != null) {
        copies.add(copy.getSubject() + "#" + copy.getHeaders().getFirst("Nats-Sequence"));
      }
      assertThat(copies).containsExactly(name + ".bus.a.T#1", name + ".bus.a.U#2",
          name + ".bus.a.U#3");
      bus.unsubscribe();
    }
  }

  @Test
  void r3_secondExpectedSequenceWriteWhileOneIsInFlight_isRefused10164_r1AcceptsIt()
      throws Exception {
    for (Connection nc : List.of(single, cluster)) {
      String s = stream(nc, nc == single ? 1 : 3);
      List<CompletableFuture<Message>> replies = new ArrayList<>();
      for (int actor = 0; actor < 20; actor++) {
        String filter = s + ".a" + actor + ".*";
        for (int i = 0; i < 2; i++) {
          long expected = i == 0 ? 0 : 2L * actor + 1;
          replies.add(nc.request(NatsMessage.builder().subject(s + ".a" + actor + ".T")
              .headers(expecting(filter, expected, UUID.randomUUID().toString()))
              .data(new byte[1]).build()));
        }
      }
      long inFlightRefusals = 0;
      for (CompletableFuture<Message> reply : replies) {
        String text = new String(reply.get(10, TimeUnit.SECONDS).getData(),
            StandardCharsets.UTF_8);
        if (text.contains("10164")) {
          inFlightRefusals++;
        }
      }
      if (nc == single) {
        assertThat(inFlightRefusals).isZero();
      } else {
        assertThat(inFlightRefusals).isPositive();
      }
    }
  }

  @Test
  void storedMessage_keepsEveryPublishHeader_expectationsMessageIdAndBatchHeadersIncluded()
      throws Exception {
    for (Connection nc : List.of(single, cluster)) {
      String s = stream(nc, nc == single ? 1 : 3);
      Headers single1 = expecting(s + ".a.*", 0, "m1").put("ce-id", "m1");
      publish(nc, s + ".a.T", single1);
      batch(nc, s + ".a.U", List.of("m2", "m3"), s + ".a.*", 1);
      JetStreamManagement jsm = nc.jetStreamManagement();

      java.util.Set<String> first = jsm.getMessage(s, 1).getHeaders().keySet();
      java.util.Set<String> batchFirst = jsm.getMessage(s, 2).getHeaders().keySet();
      java.util.Set<String> batchLast = jsm.getMessage(s, 3).getHeaders().keySet();
      assertThat(first).contains("Nats-Expected-Last-Subject-Sequence",
          "Nats-Expected-Last-Subject-Sequence-Subject", "Nats-Msg-Id", "ce-id");
      assertThat(batchFirst).contains("Nats-Expected-Last-Subject-Sequence",
          "Nats-Expected-Last-Subject-Sequence-Subject", "Nats-Msg-Id", "Nats-Batch-Id",
          "Nats-Batch-Sequence");
      assertThat(batchLast).contains("Nats-Msg-Id", "Nats-Batch-Id", "Nats-Batch-Sequence",
          "Nats-Batch-Commit");
    }
  }
}
