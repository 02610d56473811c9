package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import one.flowmade.aether.AppendResult;
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

/**
 * Read-your-writes for long reads on a three-node cluster and an R3 stream: the rest of a read
 * after its first direct batch comes from a one-replica consumer, which may sit on a replica that
 * has not applied the latest write yet. The writer is connected to the stream leader, the reader
 * to a follower; every long read (and streamed read) right after an acknowledged append returns
 * it as the last event, nothing after it, every earlier event in order, and leaves no consumer.
 */
final class LongActorReadYourWritesIT {

  private static final int LENGTH = 3_000;
  private static final int ROUNDS = 8;

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  @Test
  void appendThenLongReadAtOnce_onAFollower_endsWithTheAcknowledgedEvent() throws Exception {
    NatsCluster cluster = NATS.cluster();
    Namespace namespace = Namespace.of("longryw" + System.nanoTime() % 1_000_000);
    String stream = SubjectLayout.streamName(namespace);
    try (Connection setup = cluster.connect();
        JetStreamEventStore created = JetStreamEventStore.builder(setup, namespace)
            .replicas(3).build()) {
      assertThat(created.streamName()).isEqualTo(stream);
    }
    String leader = cluster.streamLeader(stream).name();
    int leaderNumber = Integer.parseInt(leader.substring(1));
    int followerNumber = leaderNumber % 3 + 1;
    String actor = "order-1";
    try (Connection writerConnection = cluster.connect(leaderNumber);
        Connection readerConnection = cluster.connect(followerNumber);
        JetStreamEventStore writer = JetStreamEventStore.builder(writerConnection, namespace)
            .replicas(3).build();
        JetStreamEventStore reader = JetStreamEventStore.builder(readerConnection, namespace)
            .replicas(3).build()) {
      LongActorReadIT.write(writer, actor, 1, LENGTH);
      for (int round = 1; round <= ROUNDS; round++) {
        long version = LENGTH + round;
        AppendResult appended = writer.append(actor, ExpectedVersion.exactly(version - 1),
            NewEvent.of("Tick", Payload.json("{\"round\":" + round + "}")));

        ReadResult read = reader.read(actor, 1);
        assertThat(read.events()).extracting(Event::version)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, version).boxed().toList());
        assertThat(read.events().get((int) version - 1).position())
            .isEqualTo(appended.lastPosition());

        List<Event> streamed = new ArrayList<>();
        try (EventStream events = reader.readStream(actor, 1)) {
          events.forEachRemaining(streamed::add);
        }
        assertThat(streamed).hasSize((int) version);
        assertThat(streamed.get((int) version - 1).position()).isEqualTo(appended.lastPosition());
      }
      LongActorReadIT.assertNoConsumer(readerConnection.jetStreamManagement(), stream);
    }
  }
}
