package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Reads of actors longer than {@link ActorCursor#CONSUMER_THRESHOLD} events, which read the rest
 * after the first direct batch with a short-lived pull consumer ({@link ConsumerFeed}): every
 * event in order with its position and version, limits and start versions, undecodable messages
 * as a short read reports them, the fallback to direct gets when the consumer disappears, and no
 * consumer left on the server afterwards.
 */
final class LongActorReadIT {

  private static final Duration GONE = Duration.ofSeconds(5);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  /** Appends {@code count} events to {@code actor}, interleaved with another actor's. */
  static List<Long> write(JetStreamEventStore store, String actor, long fromVersion, int count) {
    List<Long> positions = new ArrayList<>();
    for (int done = 0; done < count; done += 100) {
      int n = Math.min(100, count - done);
      List<NewEvent> events = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        events.add(NewEvent.of("Tick", Payload.json("{\"i\":" + (done + i) + "}")));
      }
      AppendResult appended = store.append(actor,
          ExpectedVersion.exactly(fromVersion - 1 + done), events);
      for (long p = appended.firstPosition(); p <= appended.lastPosition(); p++) {
        positions.add(p);
      }
      store.append(actor + "-other", ExpectedVersion.any(),
          NewEvent.of("Other", Payload.json("{}")));
    }
    return positions;
  }

  /**
   * Waits until no long read's consumer ({@code aether-read-<id>}) is left on the stream. Other
   * consumers are not a read's: an append whose acknowledgement was late (a loaded machine) is
   * resolved by a headers-only scan with a jnats ordered consumer, which the server removes
   * after its inactivity threshold (CI once saw one here).
   */
  static void assertNoConsumer(JetStreamManagement jsm, String stream) {
    await().atMost(GONE).untilAsserted(() ->
        assertThat(jsm.getConsumerNames(stream)).as("long reads' consumers of " + stream)
            .filteredOn(name -> name.startsWith("aether-read-")).isEmpty());
  }

  @Test
  void read_ofALongActor_returnsEveryEventInOrder_andLeavesNoConsumer() throws Exception {
    Namespace namespace = Namespace.of("long" + System.nanoTime() % 1_000_000);
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      List<Long> positions = write(store, "order-1", 1, 5_000);

      ReadResult read = store.read("order-1", 1);
      assertThat(read.events()).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 5_000).boxed().toList());
      assertThat(read.events()).extracting(Event::position).containsExactlyElementsOf(positions);
      assertThat(read.undecodable()).isEmpty();
      assertThat(read.next().toString()).contains(String.valueOf(positions.get(4_999) + 1));
      assertThat(store.fold("order-1", 1, 0L, (n, e) -> n + 1)).isEqualTo(5_000L);
      assertNoConsumer(nc.jetStreamManagement(), store.streamName());
    }
  }

  @Test
  void read_ofALongActor_honoursFromVersionLimitAndHint() throws Exception {
    Namespace namespace = Namespace.of("longlim" + System.nanoTime() % 1_000_000);
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      List<Long> positions = write(store, "order-1", 1, 6_000);

      ReadResult limited = store.read("order-1", 1, 2_500);
      assertThat(limited.events()).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 2_500).boxed().toList());

      ReadResult from = store.read("order-1", 100, 3_000);
      assertThat(from.events()).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(100, 3_099).boxed().toList());
      assertThat(from.events()).extracting(Event::position)
          .containsExactlyElementsOf(positions.subList(99, 3_099));

      ReadResult hinted = store.read("order-1", 501, Integer.MAX_VALUE, positions.get(499));
      assertThat(hinted.events()).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(501, 6_000).boxed().toList());
      assertThat(hinted.events()).extracting(Event::position)
          .containsExactlyElementsOf(positions.subList(500, 6_000));
      assertNoConsumer(nc.jetStreamManagement(), store.streamName());
    }
  }

  @Test
  void anUndecodableMessageInALongRead_isReportedAsAShortReadReportsIt() throws Exception {
    Namespace namespace = Namespace.of("longbad" + System.nanoTime() % 1_000_000);
    String actor = "order-1";
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      write(store, actor, 1, 3_000);
      long garbage = nc.jetStream().publish(
          "aether.ev." + namespace.name() + "." + actor + ".Tick",
          "not an event".getBytes(StandardCharsets.UTF_8)).getSeqno();
      write(store, actor, 3_001, 3_000);

      ReadResult shortRead = store.read(actor, 2_990, 20);
      assertThat(shortRead.events()).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(2_990, 3_009).boxed().toList());
      assertThat(shortRead.undecodable()).extracting(UndecodableEvent::position)
          .containsExactly(garbage);

      ReadResult longRead = store.read(actor, 1);
      assertThat(longRead.events()).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 6_000).boxed().toList());
      assertThat(longRead.undecodable()).hasSize(1);
      UndecodableEvent inShort = shortRead.undecodable().get(0);
      UndecodableEvent inLong = longRead.undecodable().get(0);
      assertThat(inLong.position()).isEqualTo(inShort.position());
      assertThat(inLong.source()).isEqualTo(inShort.source());
      assertThat(inLong.raw()).isEqualTo(inShort.raw());
      assertThat(inLong.cause()).hasMessage(inShort.cause().getMessage());

      List<Event> streamed = new ArrayList<>();
      List<UndecodableEvent> streamedUndecodable;
      try (EventStream events = store.readStream(actor, 1)) {
        events.forEachRemaining(streamed::add);
        streamedUndecodable = events.undecodable();
      }
      assertThat(streamed).hasSize(6_000);
      assertThat(streamedUndecodable).extracting(UndecodableEvent::position)
          .containsExactly(garbage);
      assertNoConsumer(nc.jetStreamManagement(), store.streamName());
    }
  }

  @Test
  void aConsumerDeletedDuringARead_isReplacedByDirectGets_andTheReadIsComplete()
      throws Exception {
    Namespace namespace = Namespace.of("longfb" + System.nanoTime() % 1_000_000);
    String actor = "order-1";
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      List<Long> positions = write(store, actor, 1, 5_000);
      JetStreamManagement jsm = nc.jetStreamManagement();
      String stream = store.streamName();
      List<Event> read = new ArrayList<>();
      try (EventStream events = store.readStream(actor, 1, 0, Deadline.none())) {
        while (read.size() < 300 && events.hasNext()) {
          read.add(events.next());
        }
        await().atMost(GONE).untilAsserted(() ->
            assertThat(jsm.getConsumerNames(stream)).as("the read's consumer").hasSize(1));
        for (String consumer : jsm.getConsumerNames(stream)) {
          jsm.deleteConsumer(stream, consumer);
        }
        events.forEachRemaining(read::add);
        assertThat(events.undecodable()).isEmpty();
      }
      assertThat(read).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 5_000).boxed().toList());
      assertThat(read).extracting(Event::position).containsExactlyElementsOf(positions);
      assertNoConsumer(jsm, stream);
    }
  }

  @Test
  void aLongStream_endsAtTheActorsEndWhenItOpened_althoughItsConsumerSeesLaterAppends()
      throws Exception {
    Namespace namespace = Namespace.of("longend" + System.nanoTime() % 1_000_000);
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      write(store, "order-1", 1, 5_000);
      List<Event> read = new ArrayList<>();
      try (EventStream events = store.readStream("order-1", 1)) {
        while (read.size() < 600 && events.hasNext()) {
          read.add(events.next());
        }
        write(store, "order-1", 5_001, 50);
        events.forEachRemaining(read::add);
      }
      assertThat(read).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 5_000).boxed().toList());
      assertThat(store.read("order-1", 1).events()).hasSize(5_050);
    }
  }

  @Test
  void aLongStreamClosedEarly_deletesItsConsumer() throws Exception {
    Namespace namespace = Namespace.of("longcl" + System.nanoTime() % 1_000_000);
    try (Connection nc = NATS.server().connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, namespace).build()) {
      write(store, "order-1", 1, 5_000);
      JetStreamManagement jsm = nc.jetStreamManagement();
      try (EventStream events = store.readStream("order-1", 1)) {
        for (int i = 0; i < 600; i++) {
          assertThat(events.next().version()).isEqualTo(i + 1);
        }
        await().atMost(GONE).untilAsserted(() ->
            assertThat(jsm.getConsumerNames(store.streamName())).hasSize(1));
      }
      assertNoConsumer(jsm, store.streamName());
    }
  }
}
