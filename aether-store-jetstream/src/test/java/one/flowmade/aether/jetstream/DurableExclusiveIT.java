package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A durable subscription name is exclusive across processes: while one store instance (here on
 * its own connection, as another process would be) consumes it, a second one that opens the same
 * name is refused instead of taking the consumer away; once the first closes, the second takes
 * over where it left off.
 */
final class DurableExclusiveIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Test
  void secondProcessOpeningTheSameDurable_isRefused_andTakesOverAfterTheFirstCloses()
      throws Exception {
    Namespace namespace = Namespace.of("d" + Long.toString(
        ThreadLocalRandom.current().nextLong(1L << 40), 36));
    SubscriptionOptions durable = SubscriptionOptions.builder().durable("projector")
        .from(Position.beginning()).build();
    try (Connection first = NATS.connect(); Connection second = NATS.connect();
        JetStreamEventStore a = JetStreamEventStore.builder(first, namespace).build();
        JetStreamEventStore b = JetStreamEventStore.builder(second, namespace).build()) {
      append(a, 5);
      List<Event> seenByA = new CopyOnWriteArrayList<>();
      List<Event> seenByB = new CopyOnWriteArrayList<>();
      EventSubscription subA = a.subscribe(durable, seenByA::add);
      await().atMost(WAIT).until(() -> seenByA.size() == 5);

      assertThatThrownBy(() -> b.subscribe(durable, seenByB::add))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("projector").hasMessageContaining("open elsewhere");

      append(a, 5);
      await().atMost(WAIT).until(() -> seenByA.size() == 10);
      assertThat(seenByA).extracting(Event::position)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, 10).boxed().toList());
      assertThat(subA.isActive()).isTrue();
      subA.close();

      AtomicReference<EventSubscription> subB = new AtomicReference<>();
      await().atMost(WAIT).ignoreException(IllegalStateException.class)
          .until(() -> subB.compareAndSet(null, b.subscribe(durable, seenByB::add)));
      try {
        append(a, 1);
        await().atMost(WAIT).until(() -> seenByB.size() == 1);
        assertThat(seenByB).extracting(Event::position).containsExactly(11L);
      } finally {
        subB.get().close();
      }
      assertThat(seenByA).hasSize(10);
    }
  }

  private static void append(JetStreamEventStore store, int count) {
    for (int i = 0; i < count; i++) {
      store.append("order-1", ExpectedVersion.any(), NewEvent.of("T", Payload.json("{}")));
    }
  }
}
