package one.flowmade.aether.verification.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Position;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.nats.NatsEventBus;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;
import one.flowmade.aether.jetstream.RetryBudget;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A namespace is a security boundary on NATS: a server whose users hold {@link
 * NamespacePermissions}, a client with namespace A's credentials that uses A fully (event store,
 * snapshots, bus, cluster) without a single permission violation, and that can neither read nor
 * write namespace B by any route (stream API, subjects, key-value bucket, bus, inboxes).
 */
final class NamespaceSecurityIT {

  private static final Namespace A = Namespace.of("orders");
  private static final Namespace B = Namespace.of("orders-eu");
  private static final NamespacePermissions PA = NamespacePermissions.of(A);
  private static final NamespacePermissions PB = NamespacePermissions.of(B);
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration SHORT = Duration.ofSeconds(2);

  private static NatsServer server;

  private final List<AutoCloseable> resources = new ArrayList<>();

  @BeforeAll
  static void startServer() {
    server = NatsServer.builder()
        .config(NamespacePermissions.authorization(
            PA.user("orders-svc", "secret-a"),
            PB.user("eu-svc", "secret-b"),
            "{\"user\":\"admin\",\"password\":\"secret-admin\"}",
            // may use the JetStream API but publish no events
            "{\"user\":\"api-only\",\"password\":\"secret-api\",\"permissions\":{"
                + "\"publish\":{\"allow\":[\"$JS.API.>\",\"_INBOX.>\"]},"
                + "\"subscribe\":{\"allow\":[\"_INBOX.>\"]}}}"))
        .start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeResources() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private Connection connect(String user, String password, NamespacePermissions permissions,
      PermissionViolations violations) throws Exception {
    Options.Builder options = server.connectionOptions().userInfo(user, password)
        .connectionName(user).errorListener(violations);
    if (permissions != null) {
      options.inboxPrefix(permissions.inboxPrefix());
    }
    return track(Nats.connect(options.build()));
  }

  private JetStreamEventStore store(Connection nc, Namespace ns) {
    return track(JetStreamEventStore.builder(nc, ns).requestTimeout(SHORT)
        .retryBudget(RetryBudget.defaults().withTimeLimit(Duration.ofSeconds(5))).build());
  }

  private static NewEvent event(String type) {
    return NewEvent.of(type, Payload.json("{}"));
  }

  @Test
  void userOfANamespace_usesItFully_withoutAnyPermissionViolation() throws Exception {
    PermissionViolations violations = PermissionViolations.create();
    Connection nc = connect("orders-svc", "secret-a", PA, violations);
    JetStreamEventStore events = store(nc, A);
    JetStreamSnapshotStore snapshots = track(JetStreamSnapshotStore.builder(nc, A)
        .requestTimeout(SHORT).build());
    NatsEventBus bus = track(NatsEventBus.builder(nc).build());
    List<BusEvent> onBus = new CopyOnWriteArrayList<>();
    track(bus.subscribe(A, onBus::add));

    long before = events.lastPosition();
    events.append("order.1", ExpectedVersion.noStream(), List.of(event("Placed"), event("Paid")));
    events.append("order.2", ExpectedVersion.noStream(), event("Placed"));
    bus.publish(BusEvent.of(A, "order.1", "Shipped", Payload.json("{}")));
    snapshots.save(new Snapshot("order.1", 2, 2, java.time.Instant.now(), Payload.json("{}")));

    assertThat(events.read("order.1", 1).events()).hasSize(2);
    assertThat(events.readAll(Position.after(before), 100).events()).hasSize(3);
    assertThat(events.latestVersion("order.2")).isEqualTo(1);
    assertThat(snapshots.load("order.1")).map(Snapshot::version).contains(2L);
    List<Event> ephemeral = new CopyOnWriteArrayList<>();
    List<Event> durable = new CopyOnWriteArrayList<>();
    track(events.subscribe(SubscriptionOptions.builder().from(Position.after(before)).build(),
        ephemeral::add));
    track(events.subscribe(SubscriptionOptions.builder().from(Position.after(before))
        .durable("billing").build(), durable::add));
    ClusterNode node = track(ClusterNode.builder().connection(nc).clusterName(A.name())
        .nodeId("orders-1").shardCount(4).messageHandler((actor, payload) -> payload).build());

    Awaitility.await().atMost(WAIT).untilAsserted(() -> {
      assertThat(ephemeral).hasSize(3);
      assertThat(durable).hasSize(3);
      assertThat(onBus).extracting(BusEvent::type).contains("Placed", "Paid", "Shipped");
      assertThat(node.activeShards()).hasSize(4);
    });
    byte[] reply = node.router().request("order.1", "ping".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("ping");
    assertThat(violations.violations()).isEmpty();
  }

  @Test
  void userOfANamespace_canNeitherReadNorWriteAnother() throws Exception {
    PermissionViolations ofB = PermissionViolations.create();
    Connection ncB = connect("eu-svc", "secret-b", PB, ofB);
    JetStreamEventStore eventsB = store(ncB, B);
    NatsEventBus busB = track(NatsEventBus.builder(ncB).build());
    List<BusEvent> seenByB = new CopyOnWriteArrayList<>();
    track(busB.subscribe(B, seenByB::add));
    track(ClusterNode.builder().connection(ncB).clusterName(B.name()).nodeId("eu-1")
        .shardCount(4).build());
    long versionInB = eventsB.append("secret", ExpectedVersion.any(), event("Hidden"))
        .lastVersion();
    long storedInB = eventsB.lastPosition();

    PermissionViolations ofA = PermissionViolations.create();
    Connection ncA = connect("orders-svc", "secret-a", PA, ofA);
    List<Message> leaked = new CopyOnWriteArrayList<>();
    Dispatcher snoop = ncA.createDispatcher(leaked::add);
    List<String> subscriptions = List.of(SubjectLayout.allEvents(B), "aether.bus.orders-eu.>",
        "aether.ev.*.>", ">", "_INBOX.>", PB.inboxPrefix() + ".>", "$KV.aether-cluster-orders-eu.>",
        "aether.cluster.orders-eu.>");
    subscriptions.forEach(snoop::subscribe);
    NatsEventBus busA = track(NatsEventBus.builder(ncA).build());
    track(busA.subscribe(B, e -> leaked.add(null)));

    // Writes into B by every route.
    ncA.publish(SubjectLayout.eventSubject(B, "secret", "Forged"), new byte[0]);
    busA.publish(BusEvent.of(B, "secret", "Forged", Payload.json("{}")));
    ncA.publish("$KV.aether-cluster-orders-eu.leader", "a".getBytes(StandardCharsets.UTF_8));
    List<String> apiRequests = List.of("$JS.API.STREAM.INFO.AETHER_orders-eu",
        "$JS.API.STREAM.MSG.GET.AETHER_orders-eu", "$JS.API.STREAM.DELETE.AETHER_orders-eu",
        "$JS.API.STREAM.PURGE.AETHER_orders-eu", "$JS.API.STREAM.NAMES",
        "$JS.API.CONSUMER.CREATE.AETHER_orders-eu.spy", "$JS.API.STREAM.INFO.KV_aether-cluster-orders-eu");
    List<CompletableFuture<Object>> answers = new ArrayList<>();
    for (String api : apiRequests) {
      Message request = NatsMessage.builder().subject(api)
          .data("{\"seq\":1}".getBytes(StandardCharsets.UTF_8)).build();
      answers.add(ncA.requestWithTimeout(request, SHORT)
          .handle((answer, failure) -> failure != null ? failure : answer));
    }
    for (int i = 0; i < apiRequests.size(); i++) {
      assertThat(answers.get(i).join()).as(apiRequests.get(i)).isInstanceOf(Throwable.class);
    }
    // Now B works as usual: A must see none of it.
    eventsB.append("secret", ExpectedVersion.exactly(versionInB), event("Hidden"));
    busB.publish(BusEvent.of(B, "secret", "Whisper", Payload.json("{}")));

    Awaitility.await().atMost(WAIT).untilAsserted(() -> {
      assertThat(ofA.violations()).extracting(PermissionViolations.Violation::subject)
          .containsAll(subscriptions)
          .contains(SubjectLayout.eventSubject(B, "secret", "Forged"),
              SubjectLayout.busSubject(B, "secret", "Forged"),
              "$KV.aether-cluster-orders-eu.leader")
          .containsAll(apiRequests);
      assertThat(seenByB).extracting(BusEvent::type).contains("Whisper");
    });
    ncA.flush(SHORT);
    assertThat(leaked).isEmpty();
    assertThat(seenByB).extracting(BusEvent::type).doesNotContain("Forged");
    assertThat(eventsB.lastPosition()).isEqualTo(storedInB + 1);
    assertThat(eventsB.read("secret", 1).events()).extracting(Event::type)
        .containsOnly("Hidden").hasSize((int) versionInB + 1);
    assertThat(ofB.violations()).isEmpty();
  }

  @Test
  void aetherPointedAtAnotherNamespace_failsAndTheListenerNamesTheRefusedSubject()
      throws Exception {
    Connection ncB = connect("eu-svc", "secret-b", PB, PermissionViolations.create());
    store(ncB, B).append("secret", ExpectedVersion.any(), event("Hidden"));
    PermissionViolations ofA = PermissionViolations.create();
    Connection ncA = connect("orders-svc", "secret-a", PA, ofA);

    Throwable store = catchThrowable(() -> store(ncA, B));
    Throwable snapshots = catchThrowable(() -> track(JetStreamSnapshotStore.builder(ncA, B)
        .requestTimeout(SHORT).retryBudget(RetryBudget.none()).build()));
    Throwable cluster = catchThrowable(() -> track(ClusterNode.builder().connection(ncA)
        .clusterName(B.name()).nodeId("spy").shardCount(4).joinTimeout(Duration.ofSeconds(5))
        .build()));
    Throwable kv = catchThrowable(() -> ncA.keyValue("aether-cluster-orders-eu").get("leader"));

    assertThat(store).as("event store of B on A's connection")
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("$JS.API.STREAM.INFO.AETHER_orders-eu")
        .hasMessageContaining("lacks permission");
    assertThat(snapshots).as("snapshot store of B on A's connection")
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("$JS.API.STREAM.INFO.AETHERSNAP_orders-eu");
    assertThat(cluster).as("cluster node of B on A's connection")
        .isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("$JS.API.STREAM.INFO.KV_aether-cluster-orders-eu");
    assertThat(kv).as("B's bucket on A's connection").isNotNull();
    Awaitility.await().atMost(WAIT).untilAsserted(() ->
        assertThat(ofA.violations()).extracting(PermissionViolations.Violation::subject)
            .contains("$JS.API.STREAM.INFO.AETHER_orders-eu",
                "$JS.API.STREAM.INFO.AETHERSNAP_orders-eu",
                "$JS.API.STREAM.INFO.KV_aether-cluster-orders-eu"));
    assertThat(ofA.violations().get(0).describe()).contains("orders-svc", "permission");
    System.out.printf("what A's Aether components report when pointed at B:%n  store:     %s%n"
        + "  snapshots: %s%n  cluster:   %s%n  kv:        %s%n", describe(store),
        describe(snapshots), describe(cluster), describe(kv));
  }

  @Test
  void storeOfAForbiddenNamespace_failsAtOnceWithAnErrorNamingThePermissionProblem()
      throws Exception {
    Connection ncA = connect("orders-svc", "secret-a", PA, PermissionViolations.create());

    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> track(JetStreamEventStore.builder(ncA, B)
        .requestTimeout(SHORT).retryBudget(RetryBudget.defaults()
            .withTimeLimit(Duration.ofSeconds(30))).build()));

    assertThat(failure).isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("permission")
        .hasMessageContaining("$JS.API.STREAM.INFO.AETHER_orders-eu");
    assertThat(((AetherException) failure).isTransient()).isFalse();
    assertThat(((PermissionDeniedException) failure).subject())
        .isEqualTo("$JS.API.STREAM.INFO.AETHER_orders-eu");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("one request timeout, not the retry budget").isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void appendToAForbiddenSubject_failsAtOnceWithAnErrorNamingThePermissionProblem()
      throws Exception {
    Connection nc = connect("api-only", "secret-api", null, PermissionViolations.create());
    JetStreamEventStore events = track(JetStreamEventStore.builder(nc, A).requestTimeout(SHORT)
        .retryBudget(RetryBudget.defaults().withTimeLimit(Duration.ofSeconds(30))).build());

    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> events.append("order.1", ExpectedVersion.any(),
        event("Placed")));

    String subject = SubjectLayout.eventSubject(A, "order.1", "Placed");
    assertThat(failure).isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining(subject).hasMessageContaining("lacks permission");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("one request timeout, not the retry budget").isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void storedEventsReachTheBus_underNamespacePermissions() throws Exception {
    PermissionViolations violations = PermissionViolations.create();
    Connection nc = connect("orders-svc", "secret-a", PA, violations);
    JetStreamEventStore events = store(nc, A);
    NatsEventBus bus = track(NatsEventBus.builder(nc).build());
    List<BusEvent> onBus = new CopyOnWriteArrayList<>();
    track(bus.subscribe(A, onBus::add));

    events.append("order.9", ExpectedVersion.noStream(), event("Placed"));

    Awaitility.await().atMost(WAIT).untilAsserted(() ->
        assertThat(onBus).extracting(BusEvent::actorId).contains("order.9"));
    assertThat(violations.violations()).isEmpty();
  }

  private static String describe(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.append(out.length() == 0 ? "" : " <- ").append(c.getClass().getSimpleName())
          .append(": ").append(c.getMessage());
    }
    return out.toString();
  }

}
