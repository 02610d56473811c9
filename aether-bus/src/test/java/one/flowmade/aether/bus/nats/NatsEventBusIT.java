package one.flowmade.aether.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.PublishOptions;
import io.nats.client.api.Republish;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.bus.ActorPattern;
import one.flowmade.aether.bus.BusClosedException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.BusUnavailableException;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.bus.DropReason;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

final class NatsEventBusIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static final Duration WAIT = Duration.ofSeconds(20);

  private final Queue<Drop> drops = new ConcurrentLinkedQueue<>();
  private final BusListener recording = new BusListener() {
    @Override
    public void dropped(Drop drop) {
      drops.add(drop);
    }
  };
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final String prefix = "n" + Long.toString(ThreadLocalRandom.current().nextLong() >>> 1,
      36);

  @AfterEach
  void release() throws Exception {
    gate.countDown();
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private Namespace ns(String name) {
    return Namespace.of(prefix + name);
  }

  private Connection connect() {
    return connect(NATS.server().connectionOptions());
  }

  private Connection connect(Options.Builder options) {
    try {
      Connection connection = Nats.connect(options.build());
      resources.add(connection::close);
      return connection;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private NatsEventBus bus(NatsEventBus.Builder builder) {
    NatsEventBus bus = builder.listener(recording).build();
    resources.add(bus);
    return bus;
  }

  private NatsEventBus bus() {
    return bus(NatsEventBus.builder(connect()));
  }

  private static BusEvent event(Namespace namespace, String actorId, String type) {
    return BusEvent.of(namespace, actorId, type, Payload.json("{}"));
  }

  private long undecodable() {
    return drops.stream().filter(d -> d.reason() == DropReason.UNDECODABLE)
        .mapToLong(Drop::count).sum();
  }

  private static void flush(Connection connection) throws Exception {
    connection.flush(WAIT);
  }

  // ------------------------------------------------------------------ server-side filtering

  @Test
  void otherNamespacesMessages_neverReachTheClient_evenWithSharedPrefixes() throws Exception {
    Namespace a = ns("a");
    NatsEventBus bus = bus();
    List<BusEvent> received = new ArrayList<>();
    BusSubscription subscription = bus.subscribe(a, received::add);
    Connection raw = connect();

    // Garbage on the subjects of similar namespaces: if any reached the client it would be
    // reported as undecodable.
    for (String other : List.of("a-b", "a_b", "ab", "a0")) {
      raw.publish("aether.bus." + prefix + other + ".x.T", new byte[] {1});
      raw.publish("aether.ev." + prefix + other + ".x.T", new byte[] {1});
    }
    raw.publish("aether.bus." + prefix + "a.x.T", new byte[] {1});
    flush(raw);

    await().atMost(WAIT).until(() -> undecodable() == 1);
    assertThat(subscription.dropped()).isEqualTo(1);
    assertThat(drops).singleElement().satisfies(d ->
        assertThat(d.cause()).get().asString().contains("no CloudEvents headers"));
    assertThat(bus.metrics(a).dropped()).isEqualTo(1);
    assertThat(received).isEmpty();
  }

  @Test
  void typeAndExactActorFilters_areAppliedOnTheServer() throws Exception {
    Namespace namespace = ns("filters");
    NatsEventBus bus = bus();
    bus.subscribe(NamespacePattern.exactly(namespace),
        EventFilter.ofTypes("Wanted").withActors(ActorPattern.exactly("order.1")), e -> { });
    Connection raw = connect();
    String base = "aether.bus." + namespace.name() + ".";

    raw.publish(base + "order=2E1.Other", new byte[] {1});
    raw.publish(base + "order=2E2.Wanted", new byte[] {1});
    raw.publish(base + "order=2E1.Wanted", new byte[] {1});
    flush(raw);

    await().atMost(WAIT).until(() -> undecodable() == 1);
    assertThat(drops).hasSize(1);
  }

  // ------------------------------------------------------------------ no silent loss

  @Test
  void slowConsumer_dropsAreCountedAndReported_neverSilent() throws Exception {
    Namespace namespace = ns("slow");
    NatsEventBus bus = bus(NatsEventBus.builder(connect()).pendingLimit(10));
    List<BusEvent> received = new ArrayList<>();
    CountDownLatch holding = new CountDownLatch(1);
    BusSubscription subscription = bus.subscribe(namespace, e -> {
      received.add(e);
      holding.countDown();
      gate.await();
    });
    NatsEventBus publisher = bus();

    publisher.publish(event(namespace, "a", "T"));
    assertThat(holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    for (int i = 1; i < 200; i++) {
      publisher.publish(event(namespace, "a", "T"));
    }
    flush(publisher.connection());
    await().atMost(WAIT).until(() -> subscription.queueDepth() == 10);
    gate.countDown();

    await().atMost(WAIT).until(() -> subscription.delivered() + subscription.dropped() == 200);
    long slow = drops.stream().filter(d -> d.reason() == DropReason.SLOW_CONSUMER)
        .mapToLong(Drop::count).sum();
    assertThat(subscription.delivered()).isEqualTo(11);
    assertThat(slow).isEqualTo(189).isEqualTo(subscription.dropped());
    assertThat(bus.metrics(namespace).dropped()).isEqualTo(189);
    assertThat(bus.metrics(namespace).delivered()).isEqualTo(11);
  }

  @Test
  void closingASubscription_reportsTheMessagesItHadNotDelivered() throws Exception {
    Namespace namespace = ns("closing");
    NatsEventBus bus = bus(NatsEventBus.builder(connect()).closeTimeout(Duration.ofMillis(200)));
    CountDownLatch holding = new CountDownLatch(1);
    BusSubscription subscription = bus.subscribe(namespace, e -> {
      holding.countDown();
      gate.await();
    });
    for (int i = 0; i < 6; i++) {
      bus.publish(event(namespace, "a", "T"));
    }
    assertThat(holding.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    await().atMost(WAIT).until(() -> subscription.queueDepth() == 5);

    subscription.close();

    assertThat(subscription.isActive()).isFalse();
    assertThat(drops).singleElement().satisfies(d -> {
      assertThat(d.reason()).isEqualTo(DropReason.CLOSED);
      assertThat(d.count()).isEqualTo(5);
    });
  }

  // ------------------------------------------------------------------ store events, no dual write

  /** Creates the namespace's stream as the store does, republishing to the bus subjects. */
  private JetStreamManagement stream(Connection connection, Namespace namespace,
      boolean republish) throws Exception {
    JetStreamManagement jsm = connection.jetStreamManagement();
    String stream = SubjectLayout.streamName(namespace);
    StreamConfiguration.Builder config = StreamConfiguration.builder().name(stream)
        .subjects(SubjectLayout.allEvents(namespace)).storageType(StorageType.Memory);
    if (republish) {
      config.republish(Republish.builder().source(SubjectLayout.allEvents(namespace))
          .destination(SubjectLayout.allBusEvents(namespace)).build());
    }
    jsm.addStream(config.build());
    resources.add(() -> jsm.deleteStream(stream));
    return jsm;
  }

  /** Appends one event the way the JetStream store does: a CloudEvents message on its subject. */
  private static void append(JetStream js, Namespace namespace, Event event,
      PublishOptions options) throws Exception {
    Headers headers = new Headers();
    CloudEventHeaders.encode(namespace, event, headers::add);
    js.publish(NatsMessage.builder()
        .subject(SubjectLayout.eventSubject(namespace, event.actorId(), event.type()))
        .headers(headers).data(event.data().toByteArray()).build(), options);
  }

  private static Event stored(String id, String actorId, long version, long position) {
    return new Event(id, "Deposited", actorId, version, Instant.parse("2026-05-06T07:08:09.123Z"),
        Metadata.builder().userId("ü").build(), Payload.json("{\"amount\":5}"), position);
  }

  @Test
  void storedEvents_republishedByTheirStream_arriveOnceEach_withVersionAndPosition()
      throws Exception {
    Namespace namespace = ns("store");
    Connection connection = connect();
    JetStreamManagement jsm = stream(connection, namespace, true);
    NatsEventBus bus = bus();
    List<BusEvent> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    bus.subscribe(namespace, received::add);
    JetStream js = connection.jetStream();
    Event first = stored("e1", "account.7", 1, 1);
    Event second = stored("e2", "account.7", 2, 2);

    append(js, namespace, first, PublishOptions.builder().messageId("e1").build());
    // A conflicting append the stream rejects, and a retry it de-duplicates: neither is stored,
    // so neither may reach the bus.
    assertThatThrownBy(() -> append(js, namespace, stored("lost", "account.7", 2, 2),
        PublishOptions.builder().expectedLastSubjectSequence(99).build()))
        .isInstanceOf(JetStreamApiException.class);
    append(js, namespace, first, PublishOptions.builder().messageId("e1").build());
    append(js, namespace, second, PublishOptions.builder().messageId("e2").build());
    bus.publish(BusEvent.of(namespace, "account.7", "Notified", Payload.empty()));

    await().atMost(WAIT).until(() -> received.size() == 3);
    assertThat(received.get(0).toStoredEvent()).contains(first);
    assertThat(received.get(1).toStoredEvent()).contains(second);
    assertThat(received.get(2).type()).isEqualTo("Notified");
    assertThat(received.get(2).position()).isEqualTo(BusEvent.NONE);
    assertThat(jsm.getStreamInfo(SubjectLayout.streamName(namespace)).getStreamState()
        .getMsgCount()).as("bus events are not stored").isEqualTo(2);
    assertThat(drops).isEmpty();
  }

  @Test
  void appendSubjectsMode_deliversEveryAppendAttempt_withoutPosition() throws Exception {
    Namespace namespace = ns("attempts");
    Connection connection = connect();
    stream(connection, namespace, false);
    NatsEventBus bus = bus(NatsEventBus.builder(connect())
        .storedEvents(NatsEventBus.StoredEvents.APPEND_SUBJECTS));
    List<BusEvent> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    bus.subscribe(namespace, received::add);
    JetStream js = connection.jetStream();

    append(js, namespace, stored("e1", "a", 1, 1), PublishOptions.builder().build());
    assertThatThrownBy(() -> append(js, namespace, stored("rejected", "a", 1, 1),
        PublishOptions.builder().expectedLastSubjectSequence(99).build()))
        .isInstanceOf(JetStreamApiException.class);

    await().atMost(WAIT).until(() -> received.size() == 2);
    assertThat(received).extracting(BusEvent::id).containsExactly("e1", "rejected");
    assertThat(received).extracting(BusEvent::position).containsOnly(BusEvent.NONE);
    assertThat(received).extracting(BusEvent::version).containsOnly(1L);
  }

  // ------------------------------------------------------------------ server restart

  @Test
  void serverRestart_subscriptionsResume_andPublishesDuringTheOutageAreBufferedAndDelivered()
      throws Exception {
    Namespace namespace = ns("restart");
    NatsEventBus subscriberBus = bus();
    NatsEventBus bus = bus();
    List<String> sameConnection = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> otherConnection = new java.util.concurrent.CopyOnWriteArrayList<>();
    bus.subscribe(namespace, e -> sameConnection.add(e.actorId()));
    subscriberBus.subscribe(namespace, e -> otherConnection.add(e.actorId()));
    bus.publish(event(namespace, "before", "T"));
    await().atMost(WAIT).until(() -> otherConnection.size() == 1 && sameConnection.size() == 1);

    NATS.server().stop();
    await().atMost(WAIT).until(() -> bus.connection().getStatus() != Connection.Status.CONNECTED);
    List<String> duringOutage = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      duringOutage.add("outage-" + i);
      bus.publish(event(namespace, "outage-" + i, "T"));
    }
    NATS.server().restart();
    await().atMost(WAIT).until(() -> bus.connection().getStatus() == Connection.Status.CONNECTED
        && subscriberBus.connection().getStatus() == Connection.Status.CONNECTED);

    // On its own connection jnats re-subscribes before it flushes the buffer: nothing is lost.
    await().atMost(WAIT).until(() -> sameConnection.size() == 51);
    assertThat(sameConnection.subList(1, 51)).containsExactlyElementsOf(duringOutage);
    // Another connection's subscription resumes; it may or may not have been back in time for
    // the buffered events (at most once), but it receives everything published after.
    flush(subscriberBus.connection());
    bus.publish(event(namespace, "after", "T"));
    await().atMost(WAIT).until(() -> otherConnection.contains("after"));
    assertThat(otherConnection.get(0)).isEqualTo("before");
    assertThat(otherConnection.get(otherConnection.size() - 1)).isEqualTo("after");
    assertThat(otherConnection).containsSubsequence("before", "after");
  }

  @Test
  void subscribeWhileDisconnected_takesEffectWhenTheConnectionIsBack() throws Exception {
    Namespace namespace = ns("latesub");
    NatsEventBus bus = bus();
    List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
    NATS.server().stop();
    try {
      await().atMost(WAIT).until(() -> bus.connection().getStatus() != Connection.Status.CONNECTED);
      bus.subscribe(namespace, e -> received.add(e.actorId()));
    } finally {
      NATS.server().restart();
    }
    await().atMost(WAIT).until(() -> bus.connection().getStatus() == Connection.Status.CONNECTED);
    NatsEventBus publisher = bus();

    await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
      publisher.publish(event(namespace, "probe", "T"));
      return !received.isEmpty();
    });
    assertThat(received).containsOnly("probe");
  }

  @Test
  void publishWhileDisconnected_withAFullReconnectBuffer_throwsBusUnavailable()
      throws Exception {
    Namespace namespace = ns("buffer");
    NatsEventBus bus = bus(NatsEventBus.builder(connect(NATS.server().connectionOptions()
        .reconnectBufferSize(4096))));
    NATS.server().stop();
    try {
      await().atMost(WAIT).until(() -> bus.connection().getStatus() != Connection.Status.CONNECTED);
      BusEvent big = BusEvent.of(namespace, "a", "T",
          Payload.of(new byte[1024], "application/octet-stream"));

      assertThatThrownBy(() -> {
        for (int i = 0; i < 10; i++) {
          bus.publish(big);
        }
      }).isInstanceOf(BusUnavailableException.class)
          .hasMessageContaining("reconnect");
      assertThat(bus.metrics(namespace).published()).isBetween(1L, 3L);
    } finally {
      NATS.server().restart();
    }
  }

  // ------------------------------------------------------------------ builder and lifecycle

  @Test
  void builder_refusesConnectionsThatWouldLoseOrReorderSilently() {
    Connection discarding = connect(NATS.server().connectionOptions()
        .discardMessagesWhenOutgoingQueueFull());
    Connection withExecutor = connect(NATS.server().connectionOptions()
        .useDispatcherWithExecutor());

    assertThatThrownBy(() -> NatsEventBus.builder(discarding))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("discardMessagesWhenOutgoingQueueFull");
    assertThatThrownBy(() -> NatsEventBus.builder(withExecutor))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("useDispatcherWithExecutor");
    assertThatThrownBy(() -> NatsEventBus.builder(connect()).pendingLimit(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NatsEventBus.builder(connect()).closeTimeout(Duration.ZERO)
        .closeTimeout(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closedConnection_makesPublishFailAsClosed() throws Exception {
    Connection connection = connect();
    NatsEventBus bus = bus(NatsEventBus.builder(connection));
    connection.close();

    assertThatThrownBy(() -> bus.publish(event(ns("gone"), "a", "T")))
        .isInstanceOf(BusClosedException.class);
    assertThatThrownBy(() -> NatsEventBus.builder(connection))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void publishedEvent_isACloudEventAnyNatsClientCanRead() throws Exception {
    Namespace namespace = ns("interop");
    Connection raw = connect();
    io.nats.client.Subscription sub = raw.subscribe("aether.bus." + namespace.name() + ".>");
    flush(raw);
    NatsEventBus bus = bus();
    BusEvent sent = BusEvent.of(namespace, "order 1", "Placed",
        Payload.of("hello".getBytes(StandardCharsets.UTF_8), "text/plain")).withVersion(2);

    bus.publish(sent);

    io.nats.client.Message message = sub.nextMessage(WAIT);
    assertThat(message.getSubject()).isEqualTo(SubjectLayout.busSubject(namespace, "order 1",
        "Placed"));
    Headers headers = message.getHeaders();
    assertThat(headers.getFirst("ce-specversion")).isEqualTo("1.0");
    assertThat(headers.getFirst("ce-id")).isEqualTo(sent.id());
    assertThat(headers.getFirst("ce-subject")).isEqualTo("order%201");
    assertThat(headers.getFirst("ce-type")).isEqualTo("Placed");
    assertThat(headers.getFirst("ce-datacontenttype")).isEqualTo("text/plain");
    assertThat(headers.getFirst("ce-aetherversion")).isEqualTo("2");
    assertThat(headers.getFirst("ce-source")).isEqualTo(CloudEventHeaders.source(namespace));
    assertThat(new String(message.getData(), StandardCharsets.UTF_8)).isEqualTo("hello");
  }
}
