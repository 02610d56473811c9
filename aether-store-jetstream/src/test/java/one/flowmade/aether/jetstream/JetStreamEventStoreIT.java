package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the JetStream event store does on NATS beyond the contract, on a single server. */
final class JetStreamEventStoreIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static Connection connection;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Namespace namespace;
  private JetStreamEventStore store;

  @BeforeAll
  static void connect() {
    connection = NATS.connect();
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    connection.close();
  }

  @BeforeEach
  void openStore() {
    namespace = Namespace.of("t" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40),
        36));
    store = track(JetStreamEventStore.builder(connection, namespace).build());
  }

  @AfterEach
  void closeResources() throws Exception {
    Collections.reverse(resources);
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private static JetStreamManagement jsm() throws Exception {
    return connection.jetStreamManagement();
  }

  // ---- layout ------------------------------------------------------------------------------

  @Test
  void build_createsOneStreamPerNamespaceWithAtomicPublish() throws Exception {
    StreamConfiguration config = jsm().getStreamInfo("AETHER_" + namespace.name())
        .getConfiguration();

    assertThat(store.streamName()).isEqualTo("AETHER_" + namespace.name());
    assertThat(config.getSubjects()).containsExactly("aether.ev." + namespace.name() + ".>");
    assertThat(config.getAllowAtomicPublish()).isTrue();
    assertThat(config.getRetentionPolicy()).isEqualTo(RetentionPolicy.Limits);
    assertThat(config.getStorageType()).isEqualTo(StorageType.File);
    assertThat(config.getReplicas()).isEqualTo(1);
    assertThat(config.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.getMaxMsgsPerSubject()).isLessThanOrEqualTo(0);
    assertThat(config.getRepublish().getSource()).isEqualTo(SubjectLayout.allEvents(namespace));
    assertThat(config.getRepublish().getDestination())
        .isEqualTo(SubjectLayout.allBusEvents(namespace));
    assertThat(config.getAllowDirect()).isTrue();
  }

  @Test
  void aStreamCreatedWithoutAllowDirect_isAdoptedAsItIs_andReadWithoutDirectGets()
      throws Exception {
    for (int v = 0; v < 700; v += 100) {
      store.append("order-1", ExpectedVersion.exactly(v), java.util.stream.IntStream.range(0, 100)
          .mapToObj(i -> NewEvent.of("Tick", Payload.json("{}"))).toList());
    }
    List<Event> direct = store.read("order-1", 1).events();
    StreamConfiguration config = jsm().getStreamInfo(store.streamName()).getConfiguration();
    jsm().updateStream(StreamConfiguration.builder(config).allowDirect(false).build());

    JetStreamEventStore older = track(JetStreamEventStore.builder(connection, namespace).build());
    List<Event> streamed = new ArrayList<>();
    try (one.flowmade.aether.EventStream events = older.readStream("order-1", 1)) {
      events.forEachRemaining(streamed::add);
    }

    assertThat(jsm().getStreamInfo(store.streamName()).getConfiguration().getAllowDirect())
        .isFalse();
    assertThat(older.read("order-1", 1).events()).isEqualTo(direct);
    assertThat(older.read("order-1", 650, 10, direct.get(648).position()).events())
        .isEqualTo(direct.subList(649, 659));
    assertThat(streamed).isEqualTo(direct);
  }

  @Test
  void storedEvents_areRepublishedOnTheBusSubjectsOnceEach_rejectedAttemptsAreNot()
      throws Exception {
    io.nats.client.Subscription bus = connection.subscribe(
        SubjectLayout.allBusEvents(namespace));
    connection.flush(Duration.ofSeconds(5));
    NewEvent first = NewEvent.of("Placed", Payload.json("{}"));
    store.append("order-1", ExpectedVersion.noStream(), first);
    assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.noStream(),
        NewEvent.of("Rejected", Payload.json("{}"))))
        .isInstanceOf(one.flowmade.aether.VersionConflictException.class);
    store.append("order-1", ExpectedVersion.noStream(), first);
    List<NewEvent> batch = List.of(NewEvent.of("Paid", Payload.json("{}")),
        NewEvent.of("Shipped", Payload.json("{}")));
    store.append("order-1", ExpectedVersion.exactly(1), batch);
    store.append("order-1", ExpectedVersion.exactly(1), batch);

    List<Message> received = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Message message = bus.nextMessage(Duration.ofSeconds(10));
      assertThat(message).isNotNull();
      received.add(message);
    }
    assertThat(bus.nextMessage(Duration.ofMillis(500))).isNull();
    assertThat(received).extracting(Message::getSubject).containsExactly(
        SubjectLayout.busSubject(namespace, "order-1", "Placed"),
        SubjectLayout.busSubject(namespace, "order-1", "Paid"),
        SubjectLayout.busSubject(namespace, "order-1", "Shipped"));
    assertThat(received).extracting(m -> m.getHeaders().getFirst("Nats-Sequence"))
        .containsExactly("1", "2", "3");
    assertThat(received).extracting(m -> m.getHeaders().getFirst("ce-id"))
        .containsExactly(first.id(), batch.get(0).id(), batch.get(1).id());
    bus.unsubscribe();
  }

  @Test
  void plainNatsSubscriber_readsIdTypeActorVersionTimeAndDataFromTheHeaders() throws Exception {
    io.nats.client.Subscription raw = connection.subscribe(
        "aether.ev." + namespace.name() + ".>");
    connection.flush(Duration.ofSeconds(5));
    NewEvent event = new NewEvent("evt-1", "OrderPlaced",
        Instant.parse("2025-01-02T03:04:05.678Z"),
        Metadata.builder().correlationId("c-1").build(), Payload.json("{\"total\":42}"));
    store.append("order-1", ExpectedVersion.noStream(), event);

    Message message = raw.nextMessage(Duration.ofSeconds(10));

    assertThat(message).isNotNull();
    assertThat(message.getSubject())
        .isEqualTo("aether.ev." + namespace.name() + ".order-1.OrderPlaced");
    Headers h = message.getHeaders();
    assertThat(h.getFirst("ce-specversion")).isEqualTo("1.0");
    assertThat(h.getFirst("ce-id")).isEqualTo("evt-1");
    assertThat(h.getFirst("ce-type")).isEqualTo("OrderPlaced");
    assertThat(h.getFirst("ce-subject")).isEqualTo("order-1");
    assertThat(h.getFirst("ce-source")).isEqualTo("aether/" + namespace.name());
    assertThat(h.getFirst("ce-aetherversion")).isEqualTo("1");
    assertThat(OffsetDateTime.parse(h.getFirst("ce-time")).toInstant())
        .isEqualTo(Instant.parse("2025-01-02T03:04:05.678Z"));
    assertThat(h.getFirst("ce-datacontenttype")).isEqualTo("application/json");
    assertThat(h.getFirst("Content-Type")).as("binary mode: no Content-Type").isNull();
    assertThat(h.getFirst("ce-correlationid")).isEqualTo("c-1");
    assertThat(new String(message.getData(), StandardCharsets.UTF_8)).isEqualTo("{\"total\":42}");
    raw.unsubscribe();
  }

  @Test
  void unicodeMetadata_isPercentEncodedInTheHeadersAndRoundTrips() throws Exception {
    Metadata metadata = Metadata.builder().userId("Zoë 🚀").put("note", "100% \"sure\"").build();
    NewEvent event = NewEvent.of("Tick", Payload.json("{}")).withMetadata(metadata);
    AppendResult result = store.append("ü-actor", ExpectedVersion.noStream(), event);

    MessageInfo stored = jsm().getMessage(store.streamName(), result.lastPosition());

    assertThat(stored.getHeaders().getFirst("ce-userid")).isEqualTo("Zo%C3%AB%20%F0%9F%9A%80");
    assertThat(stored.getHeaders().getFirst("ce-note")).isEqualTo("100%25%20%22sure%22");
    assertThat(stored.getHeaders().getFirst("ce-subject")).isEqualTo("%C3%BC-actor");
    Event read = store.read("ü-actor", 1).events().get(0);
    assertThat(read.metadata()).isEqualTo(metadata);
    assertThat(read.actorId()).isEqualTo("ü-actor");
  }

  // ---- bad data ----------------------------------------------------------------------------

  @Test
  void foreignMessagesOnAnActorsSubjects_areReportedAndSkipped_andAppendsGoOn() throws Exception {
    String subject = SubjectLayout.eventSubject(namespace, "order-1", "Placed");
    store.append("order-1", ExpectedVersion.noStream(), NewEvent.of("Placed", Payload.json("{}")));
    connection.jetStream().publish(subject, "garbage".getBytes(StandardCharsets.UTF_8));
    Headers partial = new Headers().put("ce-specversion", "1.0").put("ce-id", "x");
    connection.jetStream().publish(subject, partial, new byte[] {1, 2});

    assertThat(store.latestVersion("order-1")).isEqualTo(1);
    AppendResult second = store.append("order-1", ExpectedVersion.exactly(1),
        NewEvent.of("Paid", Payload.json("{}")));
    connection.jetStream().publish(subject, "tail garbage".getBytes(StandardCharsets.UTF_8));

    assertThat(second.lastVersion()).isEqualTo(2);
    assertThat(second.lastPosition()).isEqualTo(4);
    assertThat(store.latestVersion("order-1")).isEqualTo(2);
    ReadResult read = store.read("order-1", 1);
    assertThat(read.events()).extracting(Event::version).containsExactly(1L, 2L);
    assertThat(read.undecodable()).extracting(UndecodableEvent::position)
        .containsExactly(2L, 3L, 5L);
    UndecodableEvent first = read.undecodable().get(0);
    assertThat(first.source()).isEqualTo(subject);
    assertThat(first.raw().asUtf8()).isEqualTo("garbage");
    assertThat(first.cause()).hasMessageContaining("position 2");
    ReadResult all = store.readAll(Position.beginning(), 100);
    assertThat(all.events()).extracting(Event::position).containsExactly(1L, 4L);
    assertThat(all.undecodable()).extracting(UndecodableEvent::position)
        .containsExactly(2L, 3L, 5L);
    AppendResult third = store.append("order-1", ExpectedVersion.any(),
        NewEvent.of("Shipped", Payload.json("{}")));
    assertThat(third.lastVersion()).isEqualTo(3);

    List<Event> delivered = Collections.synchronizedList(new ArrayList<>());
    List<UndecodableEvent> skipped = Collections.synchronizedList(new ArrayList<>());
    track(store.subscribe(SubscriptionOptions.fromBeginning(), new EventHandler() {
      @Override
      public void onEvent(Event event) {
        delivered.add(event);
      }

      @Override
      public void onUndecodable(UndecodableEvent undecodable) {
        skipped.add(undecodable);
      }
    }));
    await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() == 3);
    assertThat(delivered).extracting(Event::version).containsExactly(1L, 2L, 3L);
    assertThat(skipped).extracting(UndecodableEvent::position).containsExactly(2L, 3L, 5L);
  }

  @Test
  void eventOverTheServersMaxPayload_isRefusedBeforeSending() {
    long max = connection.getServerInfo().getMaxPayload();
    NewEvent big = NewEvent.of("Big", Payload.of(new byte[(int) max], Payload.OCTET_STREAM));

    assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.noStream(),
        List.of(NewEvent.of("Small", Payload.json("{}")), big)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event 2 of 2")
        .hasMessageContaining(Long.toString(max))
        .hasMessageContaining(big.id());
    assertThat(store.lastPosition()).isZero();
  }

  // ---- stream adoption ---------------------------------------------------------------------

  @Test
  void existingStreamWithAConflictingConfiguration_isReportedAndLeftUnchanged() throws Exception {
    Namespace other = Namespace.of(namespace.name() + "-x");
    StreamConfiguration existing = StreamConfiguration.builder()
        .name(SubjectLayout.streamName(other))
        .subjects(SubjectLayout.allEvents(other), "elsewhere." + other.name())
        .retentionPolicy(RetentionPolicy.WorkQueue)
        .republish(io.nats.client.api.Republish.builder().source(SubjectLayout.allEvents(other))
            .destination("somewhere.else.>").build())
        .build();
    jsm().addStream(existing);

    assertThatThrownBy(() -> JetStreamEventStore.builder(connection, other).build())
        .isInstanceOfSatisfying(one.flowmade.aether.UnsafeStreamException.class, e -> {
          assertThat(e.stream()).isEqualTo(SubjectLayout.streamName(other));
          assertThat(e.violations()).extracting(v -> v.field())
              .containsExactly("subjects", "republish");
          assertThat(e.getMessage()).contains("subjects is").contains("republish is")
              .contains("somewhere.else.>").contains("Nothing was changed");
        });
    StreamConfiguration after = jsm().getStreamInfo(SubjectLayout.streamName(other))
        .getConfiguration();
    assertThat(after.getRetentionPolicy()).isEqualTo(RetentionPolicy.WorkQueue);
    assertThat(after.getSubjects()).hasSize(2);
  }

  @Test
  void explicitSettingsThatDifferFromTheExistingStream_areReported_unsetOnesAdopt() {
    assertThatThrownBy(() -> JetStreamEventStore.builder(connection, namespace)
        .maxAge(Duration.ofDays(1)).duplicateWindow(Duration.ofMinutes(5)).build())
        .isInstanceOfSatisfying(IncompatibleStreamException.class, e ->
            assertThat(e.differences()).containsExactly(
                "max age is PT0S, configured PT24H",
                "duplicate window is PT2M, configured PT5M"));

    JetStreamEventStore again = track(JetStreamEventStore.builder(connection, namespace)
        .replicas(1).storage(StorageType.File).build());
    again.append("a", ExpectedVersion.noStream(), NewEvent.of("T", Payload.json("{}")));
    assertThat(store.latestVersion("a")).isEqualTo(1);
  }

  @Test
  void existingStreamWithoutAtomicPublishOrRepublish_isAdoptedAndBothAreEnabled()
      throws Exception {
    Namespace other = Namespace.of(namespace.name() + "-y");
    jsm().addStream(StreamConfiguration.builder().name(SubjectLayout.streamName(other))
        .subjects(SubjectLayout.allEvents(other)).build());

    JetStreamEventStore adopted = track(JetStreamEventStore.builder(connection, other).build());

    StreamConfiguration adoptedConfig = jsm().getStreamInfo(SubjectLayout.streamName(other))
        .getConfiguration();
    assertThat(adoptedConfig.getAllowAtomicPublish()).isTrue();
    assertThat(adoptedConfig.getRepublish().getDestination())
        .isEqualTo(SubjectLayout.allBusEvents(other));
    AppendResult result = adopted.append("a", ExpectedVersion.noStream(),
        List.of(NewEvent.of("T", Payload.json("{}")), NewEvent.of("U", Payload.json("{}"))));
    assertThat(result.count()).isEqualTo(2);
  }

  // ---- appends -----------------------------------------------------------------------------

  @Test
  void eventIdUsedByAnotherEvent_isRefusedNamingWhereItIsStored() {
    NewEvent stored = NewEvent.of("A", Payload.json("{}"));
    store.append("order-1", ExpectedVersion.noStream(), stored);
    store.append("order-2", ExpectedVersion.noStream(), NewEvent.of("B", Payload.json("{}")));

    assertThatThrownBy(() -> store.append("order-3", ExpectedVersion.noStream(),
        List.of(NewEvent.of("C", Payload.json("{}")), stored)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event id '" + stored.id() + "' (position 1, actor 'order-1',"
            + " version 1) is already stored");
    assertThatThrownBy(() -> store.append("order-2", ExpectedVersion.exactly(1), stored))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("event id '" + stored.id() + "' (position 1, actor 'order-1',"
            + " version 1) is already stored");
    assertThat(store.lastPosition()).isEqualTo(2);
  }

  @Test
  void retriedBatchWithExpectedAny_returnsTheOriginalResult() {
    store.append("order-1", ExpectedVersion.noStream(), NewEvent.of("A", Payload.json("{}")));
    List<NewEvent> batch = List.of(NewEvent.of("B", Payload.json("{}")),
        NewEvent.of("C", Payload.json("{}")));
    AppendResult original = store.append("order-1", ExpectedVersion.any(), batch);
    store.append("order-1", ExpectedVersion.any(), NewEvent.of("D", Payload.json("{}")));

    AppendResult retry = store.append("order-1", ExpectedVersion.any(), batch);

    assertThat(retry).isEqualTo(original);
    assertThat(store.latestVersion("order-1")).isEqualTo(4);
  }

  @Test
  void appendAsync_pipelinesManyActorsOnOneConnection() {
    int actors = 100;
    int perActor = 10;
    List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
    for (int round = 0; round < perActor; round++) {
      for (int a = 0; a < actors; a++) {
        futures.add(store.appendAsync("actor-" + a, ExpectedVersion.exactly(round),
            List.of(NewEvent.of("Tick", Payload.json("{}")))));
      }
    }

    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .orTimeout(60, TimeUnit.SECONDS).join();

    assertThat(store.lastPosition()).isEqualTo((long) actors * perActor);
    for (int a = 0; a < actors; a += 17) {
      assertThat(store.read("actor-" + a, 1).events()).extracting(Event::version)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, perActor).boxed().toList());
    }
  }

  @Test
  void read_fromALateVersionOfALongActor_findsItWithoutReadingFromTheStart() {
    for (int i = 0; i < 20; i++) {
      store.append("long", ExpectedVersion.exactly(i * 50L), IntStream.range(0, 50)
          .mapToObj(n -> NewEvent.of("Tick", Payload.json("{}"))).toList());
      store.append("noise-" + i, ExpectedVersion.noStream(), NewEvent.of("N", Payload.json("{}")));
    }

    ReadResult tail = store.read("long", 977, 10);

    assertThat(tail.events()).extracting(Event::version)
        .containsExactlyElementsOf(LongStream.rangeClosed(977, 986).boxed().toList());
    assertThat(store.read("long", 1).events()).hasSize(1000);
    assertThat(store.read("long", 1000).events()).extracting(Event::version).containsExactly(1000L);
  }

  @Test
  void subscription_withEventTypes_isFilteredOnTheServer() throws Exception {
    store.append("a", ExpectedVersion.noStream(), List.of(NewEvent.of("Keep", Payload.json("{}")),
        NewEvent.of("Drop", Payload.json("{}")), NewEvent.of("Keep", Payload.json("{}"))));
    List<Event> seen = Collections.synchronizedList(new ArrayList<>());

    EventSubscription subscription = track(store.subscribe(SubscriptionOptions.builder()
        .durable("filtered").eventTypes("Keep").build(), seen::add));

    await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 2);
    assertThat(jsm().getConsumerInfo(store.streamName(), "aether-sub-filtered")
        .getConsumerConfiguration().getFilterSubjects())
        .containsExactly(SubjectLayout.typeEvents(namespace, "Keep"));
    assertThat(subscription.awaitLive(Duration.ofSeconds(10))).isTrue();
  }
}
