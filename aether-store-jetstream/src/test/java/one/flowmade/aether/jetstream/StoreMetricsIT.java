package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stores' Micrometer meters, on a real server. */
final class StoreMetricsIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static Connection connection;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  static void connect() {
    connection = NATS.connect();
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    connection.close();
  }

  @Test
  void appends_areTimedByOutcome_withTheirBatchSize_taggedWithTheNamespaceOnly() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection,
        Namespace.of("metrics-append")).meterRegistry(registry).build()) {
      store.append("a-1", ExpectedVersion.noStream(), events(3));
      store.append("a-1", ExpectedVersion.exactly(3), events(1));
      assertThatThrownBy(() -> store.append("a-1", ExpectedVersion.exactly(1), events(1)))
          .isInstanceOf(VersionConflictException.class);
      store.appendAsync("a-2", ExpectedVersion.any(), events(2)).join();

      Timer success = appends("success");
      assertThat(success.count()).isEqualTo(3);
      assertThat(success.totalTime(TimeUnit.NANOSECONDS)).isPositive();
      assertThat(appends("conflict").count()).isEqualTo(1);
      assertThat(appends("unknown").count()).isZero();
      assertThat(registry.get("aether.store.append.events").summary().totalAmount())
          .isEqualTo(6);
      assertThat(registry.get("aether.store.append.retries").counter().count()).isZero();
      for (Meter meter : registry.getMeters()) {
        assertThat(meter.getId().getTags()).extracting(t -> t.getKey())
            .doesNotContain("actor", "actorId").contains("namespace");
      }
    }
  }

  @Test
  void reads_areTimedByOperation_andCountTheEventsTheyReturn() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection,
        Namespace.of("metrics-read")).meterRegistry(registry).build()) {
      store.append("r-1", ExpectedVersion.noStream(), events(4));

      store.read("r-1", 2, 10);
      store.readAll(Position.beginning(), 100);
      store.latestVersion("r-1");
      store.lastPosition();

      assertThat(reads("actor").count()).isEqualTo(1);
      assertThat(reads("all").count()).isEqualTo(1);
      assertThat(reads("latest").count()).isEqualTo(1);
      assertThat(reads("last-position").count()).isEqualTo(1);
      assertThat(registry.get("aether.store.events.read").tag("operation", "actor").counter()
          .count()).isEqualTo(3);
      assertThat(registry.get("aether.store.events.read").tag("operation", "all").counter()
          .count()).isEqualTo(4);
    }
  }

  @Test
  void subscription_reportsPositionAndLag_whileCatchingUpAndOnceLive() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection,
        Namespace.of("metrics-sub")).meterRegistry(registry).build()) {
      store.append("s-1", ExpectedVersion.noStream(), events(10));

      var subscription = store.subscribe(SubscriptionOptions.builder().durable("balances")
          .from(Position.beginning()).build(), event -> {
            if (event.position() == 2) {
              release.await(30, TimeUnit.SECONDS);
            }
          });
      try {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          assertThat(gauge("aether.subscription.position")).isEqualTo(1);
          assertThat(gauge("aether.subscription.lag.events")).isEqualTo(9);
          assertThat(gauge("aether.subscription.lag.seconds")).isPositive();
        });

        release.countDown();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
          assertThat(gauge("aether.subscription.position")).isEqualTo(10);
          assertThat(gauge("aether.subscription.lag.events")).isZero();
          assertThat(gauge("aether.subscription.lag.seconds")).isZero();
        });
        assertThat(registry.get("aether.subscription.events").tag("name", "balances").counter()
            .count()).isEqualTo(10);
      } finally {
        release.countDown();
        subscription.close();
      }
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(registry.find("aether.subscription.position").gauges()).isEmpty());
    }
  }

  @Test
  void snapshotStore_timesLoadsAndSavesByOutcome() {
    try (JetStreamSnapshotStore snapshots = JetStreamSnapshotStore.builder(connection,
        Namespace.of("metrics-snap")).meterRegistry(registry).build()) {
      snapshots.load("x");
      snapshots.save(new Snapshot("x", 3, 3, Instant.now(), Payload.json("{}")));
      snapshots.save(new Snapshot("x", 2, 2, Instant.now(), Payload.json("{}")));
      snapshots.load("x");

      assertThat(registry.get("aether.snapshot.loads").tag("outcome", "none").timer().count())
          .isEqualTo(1);
      assertThat(registry.get("aether.snapshot.loads").tag("outcome", "found").timer().count())
          .isEqualTo(1);
      assertThat(registry.get("aether.snapshot.saves").tag("outcome", "saved").timer().count())
          .isEqualTo(1);
      assertThat(registry.get("aether.snapshot.saves").tag("outcome", "not-saved").timer()
          .count()).isEqualTo(1);
    }
  }

  private Timer appends(String outcome) {
    return registry.get("aether.store.appends").tag("outcome", outcome).timer();
  }

  private Timer reads(String operation) {
    return registry.get("aether.store.reads").tag("operation", operation)
        .tag("outcome", "success").timer();
  }

  private double gauge(String name) {
    return registry.get(name).tag("name", "balances").gauge().value();
  }

  private static List<NewEvent> events(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> NewEvent.of("thing.happened", Payload.json("{\"i\":" + i + "}")))
        .toList();
  }
}
