package one.flowmade.aether.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import one.flowmade.aether.Health;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link NatsEventBus#health()} against a real server that is stopped and restarted. */
final class NatsBusHealthIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Test
  void health_upWhileConnected_downWhenTheServerStops_upAfterItsRestart_downWhenClosed()
      throws Exception {
    try (Connection connection = NATS.connect()) {
      NatsEventBus bus = NatsEventBus.builder(connection).build();
      bus.subscribe(Namespace.of("watched"), event -> { });
      assertThat(bus.health().isUp()).isTrue();
      assertThat(bus.health().details()).containsEntry("connection", "CONNECTED")
          .containsEntry("subscriptions", "1");

      NATS.server().stop();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        Health health = bus.health();
        assertThat(health.status()).isEqualTo(Health.Status.DOWN);
        assertThat(health.details().get("reason")).startsWith("not connected to NATS");
      });
      NATS.server().restart();
      await().atMost(Duration.ofSeconds(30)).until(() -> bus.health().isUp());

      bus.close();
      assertThat(bus.health().details()).containsEntry("reason", "the NATS bus is closed");
    }
  }
}
