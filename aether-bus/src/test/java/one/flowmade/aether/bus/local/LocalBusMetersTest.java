package one.flowmade.aether.bus.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.OverflowPolicy;
import org.junit.jupiter.api.Test;

final class LocalBusMetersTest {

  private static final Namespace NS = Namespace.of("orders");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void meters_countPublishedDeliveredAndDroppedByReason_andShowTheQueueDepth() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch gate = new CountDownLatch(1);
    try (LocalEventBus bus = LocalEventBus.builder().name("orders-bus").queueCapacity(3)
        .overflowPolicy(OverflowPolicy.DROP_NEWEST).meterRegistry(registry).build()) {
      bus.subscribe(NS, event -> {
        if (event.actorId().equals("e0")) {
          holding.countDown();
          gate.await(20, TimeUnit.SECONDS);
        }
      });
      bus.publish(event("e0"));
      assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
      for (int i = 1; i <= 9; i++) {
        bus.publish(event("e" + i));
      }

      // three queued and the one in the handler
      assertThat(value("aether.bus.queue.depth")).isEqualTo(4);
      assertThat(registry.get("aether.bus.dropped").tag("reason", "overflow_newest").counter()
          .count()).isEqualTo(6);
      assertThat(registry.get("aether.bus.subscriptions").tag("name", "orders-bus").gauge()
          .value()).isEqualTo(1);

      gate.countDown();
      await().atMost(WAIT).untilAsserted(() -> {
        assertThat(registry.get("aether.bus.delivered").tag("bus", "local").functionCounter()
            .count()).isEqualTo(4);
        assertThat(value("aether.bus.queue.depth")).isZero();
      });
      assertThat(registry.get("aether.bus.published").tag("name", "orders-bus")
          .functionCounter().count()).isEqualTo(10);
    }
    assertThat(registry.find("aether.bus.published").functionCounters()).isEmpty();
  }

  private double value(String gauge) {
    return registry.get(gauge).tag("bus", "local").gauge().value();
  }

  private static BusEvent event(String actorId) {
    return BusEvent.of(NS, actorId, "T", Payload.empty());
  }
}
