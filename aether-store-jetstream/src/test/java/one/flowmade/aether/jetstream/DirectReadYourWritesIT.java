package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-your-writes with batched direct gets on a three-node cluster and an R3 stream: the writer
 * is connected to the stream leader, the reader to a follower, whose direct-get responder answers
 * the reader's requests first (NATS prefers the local member of a queue group) and may not have
 * applied the latest write yet. Every read after an acknowledged append still returns it, because
 * the read is bounded by the sequence the leader reports and asks again (or asks the leader) until
 * it has seen it. A raw direct get from the same follower, without that bound, is counted beside
 * it to show that the lag is real on this machine (logged, not asserted: it depends on timing).
 */
final class DirectReadYourWritesIT {

  private static final Logger LOG = LoggerFactory.getLogger(DirectReadYourWritesIT.class);
  private static final int ROUNDS = 300;

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  @Test
  void appendThenReadAtOnce_onAFollower_neverMissesTheAcknowledgedEvent() throws Exception {
    NatsCluster cluster = NATS.cluster();
    Namespace namespace = Namespace.of("ryw" + System.nanoTime() % 1_000_000);
    String stream = SubjectLayout.streamName(namespace);
    try (Connection setup = cluster.connect();
        JetStreamEventStore created = JetStreamEventStore.builder(setup, namespace)
            .replicas(3).build()) {
      assertThat(created.streamName()).isEqualTo(stream);
    }
    String leader = cluster.streamLeader(stream).name();
    int leaderNumber = Integer.parseInt(leader.substring(1));
    int followerNumber = leaderNumber % 3 + 1;
    int rawMisses = 0;
    try (Connection writerConnection = cluster.connect(leaderNumber);
        Connection readerConnection = cluster.connect(followerNumber);
        JetStreamEventStore writer = JetStreamEventStore.builder(writerConnection, namespace)
            .replicas(3).build();
        JetStreamEventStore reader = JetStreamEventStore.builder(readerConnection, namespace)
            .replicas(3).build()) {
      for (int i = 0; i < ROUNDS; i++) {
        String actor = "order-" + (i % 10);
        long version = i / 10 + 1;
        AppendResult appended = writer.append(actor, ExpectedVersion.exactly(version - 1),
            NewEvent.of("Tick", Payload.json("{\"i\":" + i + "}")));
        if (!rawDirectGetSees(readerConnection, namespace, actor, appended.lastPosition())) {
          rawMisses++;
        }

        ReadResult read = reader.read(actor, 1);
        List<Event> streamed = new ArrayList<>();
        try (EventStream events = reader.readStream(actor, version, appended.lastPosition() - 1,
            Deadline.none())) {
          events.forEachRemaining(streamed::add);
        }

        assertThat(read.events()).hasSize((int) version);
        assertThat(read.events().get((int) version - 1).position())
            .isEqualTo(appended.lastPosition());
        assertThat(streamed).extracting(Event::position)
            .containsExactly(appended.lastPosition());
      }
    }
    LOG.info("a raw direct get on the follower missed the just-acknowledged event {} times of {}",
        rawMisses, ROUNDS);
  }

  /** One unbounded direct batch get from where the event must be, as a plain client would do. */
  private static boolean rawDirectGetSees(Connection connection, Namespace namespace,
      String actor,
      long sequence) throws Exception {
    String inbox = connection.createInbox();
    Subscription replies = connection.subscribe(inbox);
    try {
      String request = "{\"seq\":" + sequence + ",\"batch\":1,\"next_by_subj\":\""
          + SubjectLayout.actorEvents(namespace, actor)
          + "\"}";
      connection.publish("$JS.API.DIRECT.GET." + SubjectLayout.streamName(namespace), inbox,
          request.getBytes(StandardCharsets.UTF_8));
      Message first = replies.nextMessage(Duration.ofSeconds(5));
      return first != null && !first.isStatusMessage()
          && String.valueOf(sequence).equals(first.getHeaders().getFirst("Nats-Sequence"));
    } finally {
      replies.unsubscribe();
    }
  }
}
