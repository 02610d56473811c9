package one.flowmade.aether.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class NatsBusMetersIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Test
  void meters_countWhatThisBusPublishedAndDelivered_acrossARealServer() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Namespace namespace = Namespace.of("metered");
    try (Connection nc = NATS.connect();
        NatsEventBus bus = NatsEventBus.builder(nc).meterRegistry(registry).build()) {
      bus.subscribe(namespace, event -> { });
      for (int i = 0; i < 5; i++) {
        bus.publish(BusEvent.of(namespace, "a-" + i, "T", Payload.empty()));
      }

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(registry.get("aether.bus.delivered").tag("bus", "nats").functionCounter()
              .count()).isEqualTo(5));
      assertThat(registry.get("aether.bus.published").functionCounter().count()).isEqualTo(5);
      assertThat(registry.get("aether.bus.subscriptions").gauge().value()).isEqualTo(1);
      assertThat(registry.get("aether.bus.dropped").tag("reason", "slow_consumer").counter()
          .count()).isZero();
    }
    assertThat(registry.find("aether.bus.delivered").functionCounters()).isEmpty();
  }
}
