package one.flowmade.aether.admin.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Position;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.nats.NatsEventBus;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;
import one.flowmade.aether.jetstream.RetryBudget;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Aether at run time under the generated {@link Role#APPLICATION} user, on a real nats-server
 * with the generated configuration: after the namespace's streams and buckets were created by
 * its {@link Role#PROVISIONING} user (with the stores' own setup), the application user appends,
 * reads and subscribes (also durably), saves and loads snapshots, publishes and receives on the
 * bus, runs a cluster node and a projection with KV checkpoints, without one permission
 * violation; pointed at another namespace, or lacking a right, Aether's components fail at once
 * with a {@link PermissionDeniedException} naming the refused subject; and no wildcard, delete,
 * purge, listing, bucket or routing subject reaches another namespace. Subclasses set the mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ApplicationRoleChecks {

  static final Namespace ORDERS = Namespace.of("orders");
  static final Namespace ORDERS_EU = Namespace.of("orders-eu");
  static final Duration WAIT = Duration.ofSeconds(20);
  static final Duration SHORT = Duration.ofSeconds(2);

  NatsServer server;
  final List<AutoCloseable> resources = new ArrayList<>();
  final List<String> errors = Collections.synchronizedList(new ArrayList<>());

  abstract ServerConfiguration.Mode mode();

  static NamespaceAccount account(Namespace ns) {
    return NamespaceAccount.builder(ns)
        .user(ns.name() + "-app", ns.name() + "-app-secret", Role.APPLICATION)
        .user(ns.name() + "-admin", ns.name() + "-admin-secret", Role.PROVISIONING)
        .build();
  }

  @BeforeAll
  void startAndProvision() throws Exception {
    String conf = ServerConfiguration.builder().mode(mode())
        .account(account(ORDERS)).account(account(ORDERS_EU)).build().render();
    server = NatsServer.builder().config(conf.substring(conf.indexOf("accounts {"))).start();
    for (Namespace ns : List.of(ORDERS, ORDERS_EU)) {
      List<String> provisioningErrors = new CopyOnWriteArrayList<>();
      try (Connection admin = connect(ns, Role.PROVISIONING, provisioningErrors)) {
        Provisioning.provision(admin, ns);
      }
      assertThat(provisioningErrors).as("what the provisioning user of %s was refused", ns.name())
          .isEmpty();
    }
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @AfterEach
  void closeResources() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    resources.clear();
    errors.clear();
  }

  <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  Connection connect(Namespace ns, Role role, List<String> seen) throws Exception {
    String user = ns.name() + (role == Role.APPLICATION ? "-app" : "-admin");
    return Nats.connect(server.connectionOptions().userInfo(user, user + "-secret")
        .connectionName(user).inboxPrefix("_INBOX_" + ns.name())
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            seen.add(error);
          }
        }).build());
  }

  Connection application() throws Exception {
    return track(connect(ORDERS, Role.APPLICATION, errors));
  }

  JetStreamEventStore store(Connection nc) {
    return track(JetStreamEventStore.builder(nc, ORDERS).requestTimeout(SHORT).build());
  }

  static NewEvent event(String type) {
    return NewEvent.of(type, Payload.json("{}"));
  }

  /** No request of the application user was refused. */
  void noViolation(Connection nc) throws Exception {
    nc.flush(SHORT);
    await().during(Duration.ofMillis(200)).atMost(SHORT).untilAsserted(() ->
        assertThat(errors).as("permission violations of the application user").isEmpty());
  }

  @Test
  void eventStore_appendsReadsAndSubscribes() throws Exception {
    Connection nc = application();
    JetStreamEventStore events = store(nc);
    long before = events.lastPosition();

    events.append("store-1", ExpectedVersion.noStream(), List.of(event("Placed"), event("Paid")));
    events.append("store-2", ExpectedVersion.noStream(), event("Placed"));
    events.append("store-2", ExpectedVersion.exactly(1), event("Shipped"));

    assertThat(events.read("store-1", 1).events()).extracting(Event::type)
        .containsExactly("Placed", "Paid");
    assertThat(events.latestVersion("store-2")).isEqualTo(2);
    assertThat(events.readAll(Position.after(before), 100).events()).hasSize(4);
    List<Event> live = new CopyOnWriteArrayList<>();
    track(events.subscribe(SubscriptionOptions.builder().from(Position.after(before)).build(),
        live::add));
    events.append("store-1", ExpectedVersion.exactly(2), event("Refunded"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(live).hasSize(5));
    noViolation(nc);
  }

  @Test
  void eventStore_durableSubscriptionResumesWhereItLeftOff() throws Exception {
    Connection nc = application();
    JetStreamEventStore events = store(nc);
    long before = events.lastPosition();
    events.append("durable-1", ExpectedVersion.noStream(), event("Placed"));
    SubscriptionOptions durable = SubscriptionOptions.builder().from(Position.after(before))
        .durable("billing").build();
    List<Event> first = new CopyOnWriteArrayList<>();
    AutoCloseable subscription = events.subscribe(durable, first::add);
    await().atMost(WAIT).untilAsserted(() -> assertThat(first).hasSize(1));
    subscription.close();

    events.append("durable-1", ExpectedVersion.exactly(1), event("Paid"));
    List<Event> second = new CopyOnWriteArrayList<>();
    track(events.subscribe(durable, second::add));

    await().atMost(WAIT).untilAsserted(() -> assertThat(second).extracting(Event::type)
        .containsExactly("Paid"));
    noViolation(nc);
  }

  @Test
  void snapshotStore_savesAndLoads() throws Exception {
    Connection nc = application();
    JetStreamSnapshotStore snapshots = track(JetStreamSnapshotStore.builder(nc, ORDERS)
        .requestTimeout(SHORT).build());

    snapshots.save(new Snapshot("snap-1", 2, 2, Instant.now(), Payload.json("{\"n\":2}")));
    snapshots.save(new Snapshot("snap-1", 5, 5, Instant.now(), Payload.json("{\"n\":5}")));

    assertThat(snapshots.load("snap-1")).map(Snapshot::version).contains(5L);
    noViolation(nc);
  }

  @Test
  void bus_publishesAndReceives_andStoredEventsReachIt() throws Exception {
    Connection nc = application();
    NatsEventBus bus = track(NatsEventBus.builder(nc).build());
    List<BusEvent> received = new CopyOnWriteArrayList<>();
    track(bus.subscribe(ORDERS, received::add));

    bus.publish(BusEvent.of(ORDERS, "bus-1", "Announced", Payload.json("{}")));
    store(nc).append("bus-2", ExpectedVersion.noStream(), event("Stored"));

    await().atMost(WAIT).untilAsserted(() -> assertThat(received).extracting(BusEvent::type)
        .contains("Announced", "Stored"));
    noViolation(nc);
  }

  @Test
  void clusterNode_joinsLeadsOwnsShardsAndRoutes() throws Exception {
    Connection nc = application();
    ClusterNode node = track(ClusterNode.builder().connection(nc).clusterName(ORDERS.name())
        .nodeId("orders-1").shardCount(4).messageHandler((actor, payload) -> payload).build());

    await().atMost(WAIT).untilAsserted(() -> assertThat(node.activeShards()).hasSize(4));
    byte[] reply = node.router().request("order-1", "ping".getBytes(StandardCharsets.UTF_8));

    assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("ping");
    noViolation(nc);
  }

  @Test
  void projection_withKvCheckpoints_appliesAndCommits() throws Exception {
    Connection nc = application();
    JetStreamEventStore events = store(nc);
    events.append("proj-1", ExpectedVersion.noStream(), List.of(event("Placed"), event("Paid")));
    long last = events.lastPosition();
    KvCheckpointStore checkpoints = KvCheckpointStore.open(nc, ORDERS);
    List<Long> applied = new CopyOnWriteArrayList<>();
    Projection projection = track(Projection.builder().name("order-count").eventStore(events)
        .checkpointStore(checkpoints).onAny((e, c) -> applied.add(c.position())).build());

    projection.start();

    await().atMost(WAIT).untilAsserted(() -> {
      assertThat(applied).contains(last);
      assertThat(checkpoints.load("order-count")).map(Checkpoint::position).contains(last);
    });
    noViolation(nc);
  }

  @Test
  void componentsPointedAtAnotherNamespace_failAtOnceNamingTheRefusedSubject() throws Exception {
    Connection nc = application();
    long started = System.nanoTime();

    Throwable store = catchThrowable(() -> track(JetStreamEventStore.builder(nc, ORDERS_EU)
        .requestTimeout(SHORT).retryBudget(RetryBudget.defaults()
            .withTimeLimit(Duration.ofSeconds(30))).build()));
    Throwable snapshots = catchThrowable(() -> track(JetStreamSnapshotStore.builder(nc, ORDERS_EU)
        .requestTimeout(SHORT).build()));
    Throwable cluster = catchThrowable(() -> track(ClusterNode.builder().connection(nc)
        .clusterName(ORDERS_EU.name()).nodeId("spy").shardCount(4)
        .joinTimeout(Duration.ofSeconds(5)).build()));

    assertThat(store).isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("$JS.API.STREAM.INFO.AETHER_orders-eu")
        .hasMessageContaining("lacks permission");
    assertThat(((PermissionDeniedException) store).isTransient()).isFalse();
    assertThat(((PermissionDeniedException) store).subject())
        .isEqualTo("$JS.API.STREAM.INFO.AETHER_orders-eu");
    assertThat(snapshots).isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("$JS.API.STREAM.INFO.AETHERSNAP_orders-eu");
    assertThat(cluster).isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("$JS.API.STREAM.INFO.KV_aether-cluster-orders-eu");
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("three request timeouts, not the store's 30 s retry budget")
        .isLessThan(Duration.ofSeconds(20));
  }

  @Test
  void appendByTheProvisioningUser_failsAtOnceNamingTheRefusedSubject_andStoresNothing() throws Exception {
    Connection admin = track(connect(ORDERS, Role.PROVISIONING, new CopyOnWriteArrayList<>()));
    JetStreamEventStore events = track(JetStreamEventStore.builder(admin, ORDERS)
        .requestTimeout(SHORT).retryBudget(RetryBudget.defaults()
            .withTimeLimit(Duration.ofSeconds(30))).build());
    long started = System.nanoTime();

    Throwable failure = catchThrowable(() -> events.append("prov-1", ExpectedVersion.any(),
        event("Placed")));

    // The store reads the actor's last version (MSG.GET) before it publishes the event; the
    // provisioning role may do neither.
    assertThat(failure).isInstanceOf(PermissionDeniedException.class)
        .hasMessageContaining("lacks permission");
    assertThat(((PermissionDeniedException) failure).subject()).isIn(
        "$JS.API.STREAM.MSG.GET.AETHER_orders",
        SubjectLayout.eventSubject(ORDERS, "prov-1", "Placed"));
    assertThat(Duration.ofNanos(System.nanoTime() - started))
        .as("one request timeout, not the retry budget").isLessThan(Duration.ofSeconds(10));
    assertThat(store(application()).latestVersion("prov-1")).as("stored").isZero();
  }

  @Test
  void applicationUser_reachesNoOtherNamespaceByWildcardsDeletePurgeBucketOrRouting()
      throws Exception {
    List<String> euErrors = new CopyOnWriteArrayList<>();
    Connection eu = track(connect(ORDERS_EU, Role.APPLICATION, euErrors));
    JetStreamEventStore euEvents = track(JetStreamEventStore.builder(eu, ORDERS_EU)
        .requestTimeout(SHORT).build());
    long euVersion = euEvents.append("secret", ExpectedVersion.any(), event("Hidden"))
        .lastVersion();
    long euStored = euEvents.lastPosition();
    Connection nc = application();
    List<Message> leaked = new CopyOnWriteArrayList<>();
    Dispatcher snoop = nc.createDispatcher(leaked::add);
    List<String> subscriptions = List.of("aether.ev.*.>", ">", "aether.>",
        "$KV.aether-cluster-orders-eu.>", "aether.cluster.orders-eu.>");
    subscriptions.forEach(snoop::subscribe);
    List<String> publishes = List.of("$KV.aether-cluster-orders-eu.leader",
        "$KV.aether-projections-orders-eu.order-count", "aether.cluster.orders-eu.shard.1.x");
    for (String subject : publishes) {
      nc.publish(subject, "forged".getBytes(StandardCharsets.UTF_8));
    }
    List<String> api = List.of("$JS.API.STREAM.DELETE.AETHER_orders-eu",
        "$JS.API.STREAM.PURGE.AETHER_orders-eu", "$JS.API.STREAM.NAMES",
        "$JS.API.STREAM.DELETE.AETHER_orders", "$JS.API.STREAM.PURGE.AETHER_orders",
        "$JS.API.STREAM.DELETE.KV_aether-projections-orders");
    for (String subject : api) {
      Message reply = nc.request(subject, "{}".getBytes(StandardCharsets.UTF_8),
          Duration.ofMillis(500));
      assertThat(reply == null || reply.isStatusMessage()).as("an answer to " + subject).isTrue();
    }
    euEvents.append("secret", ExpectedVersion.exactly(euVersion), event("Hidden"));

    await().atMost(WAIT).untilAsserted(() -> assertThat(errors)
        .as("permission violations of orders' application user")
        .anySatisfy(e -> assertThat(e).contains("aether.ev.*.>"))
        .anySatisfy(e -> assertThat(e).contains("Subscription to \">\""))
        .anySatisfy(e -> assertThat(e).contains("$KV.aether-cluster-orders-eu.leader"))
        .anySatisfy(e -> assertThat(e).contains("aether.cluster.orders-eu.shard.1.x"))
        .anySatisfy(e -> assertThat(e).contains("$JS.API.STREAM.DELETE.AETHER_orders-eu"))
        .anySatisfy(e -> assertThat(e).contains("$JS.API.STREAM.PURGE.AETHER_orders"))
        .anySatisfy(e -> assertThat(e).contains("$JS.API.STREAM.NAMES")));
    nc.flush(SHORT);
    assertThat(leaked).isEmpty();
    assertThat(euEvents.lastPosition()).isEqualTo(euStored + 1);
    assertThat(euEvents.read("secret", 1).events()).hasSize((int) euVersion + 1);
    assertThat(euErrors).as("what orders-eu's own user was refused").isEmpty();
  }
}
