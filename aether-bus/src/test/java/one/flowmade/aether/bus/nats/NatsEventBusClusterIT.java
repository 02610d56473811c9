package one.flowmade.aether.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.Republish;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusHandler;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class NatsEventBusClusterIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int EVENTS_PER_NODE = 20_000;

  /** Records the sequence numbers received from each publisher, in arrival order. */
  private static final class Recorder implements BusHandler {
    final ConcurrentLinkedQueue<Long> fromFirst = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<Long> fromSecond = new ConcurrentLinkedQueue<>();
    volatile boolean probedByFirst;
    volatile boolean probedBySecond;

    @Override
    public void onEvent(BusEvent event) {
      boolean first = event.actorId().equals("first");
      if (event.type().equals("Probe")) {
        if (first) {
          probedByFirst = true;
        } else {
          probedBySecond = true;
        }
        return;
      }
      long seq = Long.parseLong(event.metadata().get("seq").orElseThrow());
      (first ? fromFirst : fromSecond).add(seq);
    }
  }

  private static BusEvent event(Namespace namespace, String publisher, String type, long seq) {
    return BusEvent.of(namespace, publisher, type, Payload.json("{\"seq\":" + seq + "}"))
        .withMetadata(Metadata.of(java.util.Map.of("seq", Long.toString(seq))));
  }

  private static void publishAll(NatsEventBus bus, Namespace namespace, String publisher) {
    for (long seq = 0; seq < EVENTS_PER_NODE; seq++) {
      bus.publish(event(namespace, publisher, "Data", seq));
    }
  }

  private static void assertExactlyInOrder(ConcurrentLinkedQueue<Long> received) {
    assertThat(received).hasSize(EVENTS_PER_NODE);
    long expected = 0;
    for (long seq : received) {
      assertThat(seq).isEqualTo(expected++);
    }
  }

  @Test
  void busesOnDifferentServers_exchangeEventsBothWays_exactlyAndInOrderPerPublisher()
      throws Exception {
    Namespace namespace = Namespace.of("cluster-exchange");
    ConcurrentLinkedQueue<Drop> drops = new ConcurrentLinkedQueue<>();
    BusListener listener = new BusListener() {
      @Override
      public void dropped(Drop drop) {
        drops.add(drop);
      }
    };
    try (Connection c1 = NATS.cluster().connect(1);
        Connection c3 = NATS.cluster().connect(3);
        NatsEventBus first = NatsEventBus.builder(c1).listener(listener).build();
        NatsEventBus second = NatsEventBus.builder(c3).listener(listener).build()) {
      Recorder atFirst = new Recorder();
      Recorder atSecond = new Recorder();
      BusSubscription s1 = first.subscribe(namespace, atFirst);
      BusSubscription s2 = second.subscribe(namespace, atSecond);
      // Interest crosses the cluster's routes asynchronously: wait until each side hears the
      // other before counting.
      await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
        first.publish(event(namespace, "first", "Probe", -1));
        second.publish(event(namespace, "second", "Probe", -1));
        return atFirst.probedBySecond && atSecond.probedByFirst;
      });

      CompletableFuture<Void> fromFirst = CompletableFuture.runAsync(
          () -> publishAll(first, namespace, "first"), runnable -> new Thread(runnable).start());
      CompletableFuture<Void> fromSecond = CompletableFuture.runAsync(
          () -> publishAll(second, namespace, "second"), runnable -> new Thread(runnable).start());
      CompletableFuture.allOf(fromFirst, fromSecond).get(60, TimeUnit.SECONDS);

      await().atMost(WAIT).until(() -> List.of(atFirst.fromFirst, atFirst.fromSecond,
          atSecond.fromFirst, atSecond.fromSecond).stream()
          .allMatch(q -> q.size() >= EVENTS_PER_NODE));
      assertExactlyInOrder(atFirst.fromSecond);
      assertExactlyInOrder(atSecond.fromFirst);
      assertExactlyInOrder(atFirst.fromFirst);
      assertExactlyInOrder(atSecond.fromSecond);
      assertThat(drops).isEmpty();
      assertThat(s1.dropped() + s2.dropped()).isZero();
      assertThat(first.metrics(namespace).published()).isGreaterThan(EVENTS_PER_NODE);
    }
  }

  @Test
  void eventsAppendedThroughTheJetStreamStore_reachBusSubscribersOnEveryNode_onceEach()
      throws Exception {
    Namespace namespace = Namespace.of("cluster-store");
    try (Connection c1 = NATS.cluster().connect(1);
        Connection c2 = NATS.cluster().connect(2);
        Connection c3 = NATS.cluster().connect(3)) {
      // The stream as the store would create it, plus the RePublish that feeds the bus.
      c1.jetStreamManagement().addStream(StreamConfiguration.builder()
          .name(SubjectLayout.streamName(namespace))
          .subjects(SubjectLayout.allEvents(namespace))
          .replicas(3)
          .maxMessagesPerSubject(-1)
          .allowAtomicPublish(true)
          .republish(Republish.builder().source(SubjectLayout.allEvents(namespace))
              .destination(SubjectLayout.allBusEvents(namespace)).build())
          .build());
      try (JetStreamEventStore store = JetStreamEventStore.builder(c1, namespace).replicas(3)
              .build();
          NatsEventBus prober = NatsEventBus.builder(c1).build();
          NatsEventBus atTwo = NatsEventBus.builder(c2).build();
          NatsEventBus atThree = NatsEventBus.builder(c3).build()) {
        ConcurrentLinkedQueue<BusEvent> receivedAtTwo = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<BusEvent> receivedAtThree = new ConcurrentLinkedQueue<>();
        atTwo.subscribe(namespace, receivedAtTwo::add);
        atThree.subscribe(namespace, receivedAtThree::add);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> {
          prober.publish(BusEvent.of(namespace, "probe", "Probe", Payload.empty()));
          return !receivedAtTwo.isEmpty() && !receivedAtThree.isEmpty();
        });
        receivedAtTwo.clear();
        receivedAtThree.clear();

        store.append("account-1", ExpectedVersion.noStream(),
            NewEvent.of("Opened", Payload.json("{}")));
        store.append("account-1", ExpectedVersion.exactly(1),
            NewEvent.of("Deposited", Payload.json("{\"amount\":1}")));
        store.append("account-2", ExpectedVersion.noStream(), List.of(
            NewEvent.of("Opened", Payload.json("{}")),
            NewEvent.of("Deposited", Payload.json("{\"amount\":2}")),
            NewEvent.of("Deposited", Payload.json("{\"amount\":3}"))));
        assertThatThrownBy(() -> store.append("account-1", ExpectedVersion.exactly(1),
            NewEvent.of("Withdrawn", Payload.json("{}"))))
            .isInstanceOf(VersionConflictException.class);
        store.append("account-1", ExpectedVersion.exactly(2),
            NewEvent.of("Closed", Payload.json("{}")));

        List<Event> expected = store.readAll(Position.beginning(), 100).events();
        assertThat(expected).hasSize(6);
        for (ConcurrentLinkedQueue<BusEvent> received : List.of(receivedAtTwo, receivedAtThree)) {
          await().atMost(WAIT).until(() -> received.stream()
              .filter(e -> !e.type().equals("Probe")).count() >= expected.size());
          assertThat(received.stream().filter(e -> !e.type().equals("Probe"))
              .map(e -> e.toStoredEvent().orElseThrow()).toList())
              .containsExactlyElementsOf(expected);
        }
      } finally {
        c1.jetStreamManagement().deleteStream(SubjectLayout.streamName(namespace));
      }
    }
  }
}
