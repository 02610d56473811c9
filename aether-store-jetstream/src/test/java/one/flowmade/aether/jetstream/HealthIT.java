package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Health;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link JetStreamEventStore#health()} on a real server: one call, bounded, never throwing. */
final class HealthIT {

  private static final Duration WAIT = Duration.ofSeconds(30);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private Connection connection;
  private Namespace namespace;

  @BeforeEach
  void open() {
    connection = NATS.connect();
    namespace = Namespace.of("health-" + System.nanoTime());
  }

  @AfterEach
  void close() throws InterruptedException {
    connection.close();
  }

  @Test
  void healthyStore_isUp_withWhatWasChecked() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace).build()) {
      Health health = store.health();

      assertThat(health.status()).isEqualTo(Health.Status.UP);
      assertThat(health.details()).containsEntry("connection", "CONNECTED")
          .containsEntry("stream", store.streamName())
          .containsEntry("stream.replicas", "1")
          .doesNotContainKey("reason");
    }
  }

  @Test
  void subscriptionLaggingBeyondTheThreshold_isDown_untilItCatchesUp() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace)
            .healthLagThreshold(3).build();
        EventSubscription subscription = store.subscribe(
            SubscriptionOptions.builder().durable("slow").build(), event -> {
              if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
              }
            })) {
      for (int i = 0; i < 10; i++) {
        store.append("a-" + i, ExpectedVersion.noStream(),
            List.of(NewEvent.of("T", Payload.empty())));
      }

      await().atMost(WAIT).untilAsserted(() -> {
        Health health = store.health();
        assertThat(health.status()).isEqualTo(Health.Status.DOWN);
        assertThat(health.details().get("reason")).contains("subscription slow lags")
            .contains("threshold 3");
      });
      release.countDown();
      await().atMost(WAIT).untilAsserted(() -> {
        Health health = store.health();
        assertThat(health.status()).isEqualTo(Health.Status.UP);
        assertThat(health.details()).containsEntry("subscription.slow.lag", "0");
      });
    }
  }

  @Test
  void subscriptionStoppedByAFailingHandler_isDown_untilOneOfThatNameRunsAgain() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace).build()) {
      EventSubscription failing = store.subscribe(
          SubscriptionOptions.builder().durable("projector").build(), event -> {
            throw new IllegalStateException("bug in the handler");
          });
      store.append("a", ExpectedVersion.noStream(), List.of(NewEvent.of("T", Payload.empty())));

      await().atMost(WAIT).until(() -> !failing.isActive());
      Health down = store.health();
      assertThat(down.status()).isEqualTo(Health.Status.DOWN);
      assertThat(down.details().get("reason")).contains("projector").contains("bug in the handler");

      List<String> seen = new ArrayList<>();
      try (EventSubscription fixed = store.subscribe(
          SubscriptionOptions.builder().durable("projector").build(),
          event -> seen.add(event.id()))) {
        await().atMost(WAIT).until(() -> store.health().isUp());
      }
    }
  }

  @Test
  void serverStopped_isDownWithoutWaitingForTheRetryBudget_andUpAgainAfterRestart() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace).build()) {
      assertThat(store.health().isUp()).isTrue();

      NATS.server().stop();
      Health down = assertTimeoutPreemptively(Duration.ofSeconds(10), store::health);

      assertThat(down.status()).isEqualTo(Health.Status.DOWN);
      assertThat(down.details().get("reason")).containsAnyOf("not connected", "no answer");
      NATS.server().restart();
      await().atMost(WAIT).until(() -> store.health().isUp());
    }
  }

  @Test
  void streamDeleted_isDown_namingTheStream() throws Exception {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace).build()) {
      connection.jetStreamManagement().deleteStream(store.streamName());

      Health health = store.health();

      assertThat(health.status()).isEqualTo(Health.Status.DOWN);
      assertThat(health.details().get("reason")).contains(store.streamName())
          .contains("not available");
    }
  }

  @Test
  void closedStore_isDown_andNegativeThresholdIsRefused() {
    JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace).build();
    store.close();
    assertThat(store.health().details()).containsEntry("reason", "the store is closed");
    assertThatThrownBy(() -> JetStreamEventStore.builder(connection, namespace)
        .healthLagThreshold(-1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("healthLagThreshold");
  }
}
