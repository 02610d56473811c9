package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events and snapshots stored by an earlier version of the JetStream stores are read by this one,
 * with no migration step: the server's store directory of a run of commit fb96952 (the last before
 * the wire-format changes of lazy decoding, leaner headers and the CloudEvents binding review) is
 * the fixture. It was written by {@code src/test/resources/format-fb96952/Generate.java.txt} with
 * nats-server 2.15.1; its messages carry the headers that version wrote ({@code Content-Type}
 * beside {@code ce-datacontenttype}, the append's expectation and batch headers) and its streams
 * the configuration it created ({@code allow_direct: false}).
 */
final class FormatCompatibilityIT {

  private static final Path FIXTURE = Paths.get("src/test/resources/format-fb96952/jetstream");
  private static final Namespace NS = Namespace.of("legacy");
  private static final Instant T = Instant.parse("2025-01-02T03:04:05.678Z");
  private static final Metadata M =
      Metadata.builder().correlationId("c-1").causationId("k-1").userId("u-1").build();

  private static NatsServer server;
  private static Connection connection;

  @BeforeAll
  static void startOnTheOldStoreDirectory() throws IOException {
    server = NatsServer.start();
    server.stop();
    Path storeDir = server.directory().resolve(server.name()).resolve("store");
    copyTree(FIXTURE, storeDir.resolve("jetstream"));
    server.restart();
    connection = server.connect();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void oldEvents_readWithEveryAttribute() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, NS).build()) {
      List<Event> order = store.read("order-1", 1).events();

      assertThat(order).extracting(Event::id).containsExactly("e-1", "e-2", "e-5");
      assertThat(order).extracting(Event::type)
          .containsExactly("Placed", "Order Shipped/v2", "Cancelled");
      assertThat(order).extracting(Event::version).containsExactly(1L, 2L, 3L);
      assertThat(order).extracting(Event::position).containsExactly(1L, 2L, 5L);
      assertThat(order).extracting(Event::timestamp)
          .containsExactly(T, T.plusSeconds(1), T.plusSeconds(4));
      assertThat(order.get(0).metadata()).isEqualTo(M);
      assertThat(order.get(1).metadata()).isEqualTo(M);
      assertThat(order.get(2).metadata()).isEqualTo(Metadata.empty());
      assertThat(order.get(0).data()).isEqualTo(Payload.json("{\"total\":42}"));
      assertThat(order.get(2).data()).isEqualTo(Payload.of(
          "no longer wanted".getBytes(StandardCharsets.UTF_8), "text/plain"));

      Event tick = store.read("ü-actor", 1).events().get(0);
      assertThat(tick.actorId()).isEqualTo("ü-actor");
      assertThat(tick.metadata()).isEqualTo(
          Metadata.builder().userId("Zoë 🚀").put("note", "100% \"sure\"").build());

      Event blob = store.read("bin", 1).events().get(0);
      byte[] bytes = new byte[256];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) i;
      }
      assertThat(blob.data()).isEqualTo(Payload.of(bytes, Payload.OCTET_STREAM));
    }
  }

  @Test
  void oldSnapshot_loadsAndTheTailAfterItReads() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, NS).build();
        JetStreamSnapshotStore snapshots =
            JetStreamSnapshotStore.builder(connection, NS).build()) {
      Snapshot snapshot = snapshots.load("order-1").orElseThrow();

      assertThat(snapshot.version()).isEqualTo(2);
      assertThat(snapshot.position()).isEqualTo(2);
      assertThat(snapshot.timestamp()).isEqualTo(T.plusSeconds(5));
      assertThat(snapshot.state()).isEqualTo(Payload.json("{\"open\":true}"));
      ReadResult tail = store.read("order-1", snapshot.version() + 1, 100, snapshot.position());
      assertThat(tail.events()).extracting(Event::id).containsExactly("e-5");
      assertThat(store.fold("order-1", 1, 0, (n, e) -> n + 1)).isEqualTo(3);
    }
  }

  @Test
  void theNamespace_readsInGlobalOrder_andNewAppendsFollowTheOldEvents() {
    try (JetStreamEventStore store = JetStreamEventStore.builder(connection, NS).build()) {
      assertThat(store.readAll(Position.beginning(), 100).events()).extracting(Event::id)
          .startsWith("e-1", "e-2", "e-3", "e-4", "e-5");

      AppendResult next = store.append("bin", ExpectedVersion.exactly(1),
          NewEvent.of("Blob", Payload.json("{}")));
      assertThat(next.lastVersion()).isEqualTo(2);
      assertThat(store.read("bin", 1).events()).extracting(Event::version).containsExactly(1L, 2L);

      List<String> seen = new CopyOnWriteArrayList<>();
      try (EventSubscription sub =
          store.subscribe(SubscriptionOptions.fromBeginning(), e -> seen.add(e.id()))) {
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 6);
      }
      assertThat(seen).startsWith("e-1", "e-2", "e-3", "e-4", "e-5");
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      paths.forEach(p -> {
        Path target = to.resolve(from.relativize(p).toString());
        try {
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
