package one.flowmade.aether.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.Republish;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.admin.ProvisioningPlan.Resource;
import one.flowmade.aether.admin.ProvisioningPlan.Status;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;
import one.flowmade.aether.jetstream.RetryBudget;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provisioner on a real server configured by aether-admin (an account per namespace, each
 * with an application and a provisioning user): plan reads only, apply creates and then is a
 * no-op, a tampered stream shows its differences and is repaired, and the application role runs
 * the JetStream stores on a provisioned namespace and fails at once, naming the provisioning
 * role, on one that is not. Declared durable consumers are planned, created and updated in place
 * (never deleted), and the application user's durable subscription adopts them.
 */
final class ProvisionerIT {

  static final List<String> NAMESPACES =
      List.of("fresh", "created", "tampered", "orders", "unprov", "durables", "strict");
  private static NatsServer server;

  /** The accounts block of a generated configuration for the given namespaces. */
  static String accounts(List<String> namespaces) {
    ServerConfiguration.Builder conf = ServerConfiguration.builder();
    for (String ns : namespaces) {
      conf.account(NamespaceAccount.builder(Namespace.of(ns))
          .user(ns + "-app", "app-secret", Role.APPLICATION)
          .user(ns + "-admin", "admin-secret", Role.PROVISIONING).build());
    }
    String text = conf.build().render();
    return text.substring(text.indexOf("accounts {"));
  }

  /**
   * The generated configuration, except that {@code strict}'s application user may not create
   * durables with several filter subjects (jnats sends those to {@code
   * $JS.API.CONSUMER.DURABLE.CREATE}): an application role an operator narrowed.
   */
  @BeforeAll
  static void start() {
    StringBuilder conf = new StringBuilder();
    for (String line : accounts(NAMESPACES).split("\n", -1)) {
      conf.append(line.contains("{user: \"strict-app\"")
          ? line.replace("\"$JS.API.CONSUMER.DURABLE.CREATE.AETHER_strict.>\", ", "") : line)
          .append('\n');
    }
    assertThat(conf.toString()).contains("$JS.API.CONSUMER.DURABLE.CREATE.AETHER_strict.>");
    server = NatsServer.builder().config(conf.toString()).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Connection connect(NatsServer server, String ns, Role role) throws Exception {
    return Nats.connect(server.connectionOptions()
        .userInfo(ns + (role == Role.APPLICATION ? "-app" : "-admin"),
            role == Role.APPLICATION ? "app-secret" : "admin-secret")
        .inboxPrefix("_INBOX_" + ns).build());
  }

  static Connection connect(NatsServer server, String ns, Role role, List<String> errors)
      throws Exception {
    return Nats.connect(server.connectionOptions()
        .userInfo(ns + (role == Role.APPLICATION ? "-app" : "-admin"),
            role == Role.APPLICATION ? "app-secret" : "admin-secret")
        .inboxPrefix("_INBOX_" + ns)
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            errors.add(error);
          }
        }).build());
  }

  private static Provisioner provisioner(Connection c, String ns) {
    return Provisioner.builder(c, NamespaceResources.of(Namespace.of(ns))).build();
  }

  @Test
  void planOnAnEmptyServer_listsEverythingMissingAndCreatesNothing() throws Exception {
    try (Connection admin = connect(server, "fresh", Role.PROVISIONING)) {
      ProvisioningPlan plan = provisioner(admin, "fresh").plan();
      assertThat(plan.resources()).extracting(Resource::stream).containsExactly(
          "AETHER_fresh", "AETHERSNAP_fresh", "KV_aether-cluster-fresh",
          "KV_aether-projections-fresh");
      assertThat(plan.resources()).allMatch(r -> r.status() == Status.MISSING);
      assertThat(plan.upToDate()).isFalse();
      assertThat(plan.render()).contains("MISSING  event stream AETHER_fresh\n");
      assertThat(provisioner(admin, "fresh").plan()).isEqualTo(plan);
    }
  }

  @Test
  void apply_createsEverything_andASecondApplyChangesNothing() throws Exception {
    try (Connection admin = connect(server, "created", Role.PROVISIONING)) {
      Provisioner p = provisioner(admin, "created");
      assertThat(p.apply().resources()).allMatch(r -> r.status() == Status.MISSING);
      ProvisioningPlan after = p.plan();
      assertThat(after.upToDate()).as(after.render()).isTrue();
      JetStreamManagement jsm = admin.jetStreamManagement();
      List<String> before = new ArrayList<>();
      for (String s : p.resources().streams()) {
        before.add(jsm.getStreamInfo(s).getConfiguration().toJson());
      }
      assertThat(p.apply()).isEqualTo(after);
      List<String> again = new ArrayList<>();
      for (String s : p.resources().streams()) {
        again.add(jsm.getStreamInfo(s).getConfiguration().toJson());
      }
      assertThat(again).isEqualTo(before);
    }
  }

  @Test
  void aTamperedStream_showsItsDifferences_andApplyRepairsOnlyThose() throws Exception {
    try (Connection admin = connect(server, "tampered", Role.PROVISIONING)) {
      Provisioner p = provisioner(admin, "tampered");
      p.apply();
      JetStreamManagement jsm = admin.jetStreamManagement();
      StreamConfiguration made = jsm.getStreamInfo("AETHER_tampered").getConfiguration();
      jsm.updateStream(StreamConfiguration.builder(made)
          .republish(Republish.builder().source("aether.ev.tampered.>")
              .destination("aether.ev.orders.>").build())
          .allowDirect(false).maxAge(Duration.ofDays(30)).build());

      ProvisioningPlan plan = p.plan();
      Resource events = plan.resources().get(0);
      assertThat(events.status()).isEqualTo(Status.DIFFERS);
      assertThat(events.differences()).containsExactlyInAnyOrder(
          new ProvisioningPlan.Difference("republish",
              "aether.ev.tampered.> -> aether.ev.orders.>",
              "aether.ev.tampered.> -> aether.bus.tampered.>"),
          new ProvisioningPlan.Difference("allow_direct", "false", "true"));
      assertThat(plan.resources().subList(1, 4)).allMatch(r -> r.status() == Status.MATCHES);
      assertThat(plan.render()).contains("DIFFERS  event stream AETHER_tampered\n",
          "  republish: found aether.ev.tampered.> -> aether.ev.orders.>, wanted"
              + " aether.ev.tampered.> -> aether.bus.tampered.>\n");

      assertThat(p.apply()).isEqualTo(plan);
      assertThat(p.plan().upToDate()).isTrue();
      StreamConfiguration repaired = jsm.getStreamInfo("AETHER_tampered").getConfiguration();
      assertThat(repaired.getRepublish().getDestination()).isEqualTo("aether.bus.tampered.>");
      assertThat(repaired.getMaxAge()).as("an operator's limit is kept")
          .isEqualTo(Duration.ofDays(30));
    }
  }

  @Test
  void theApplicationRole_runsTheJetStreamStores_onAProvisionedNamespace() throws Exception {
    try (Connection admin = connect(server, "orders", Role.PROVISIONING)) {
      provisioner(admin, "orders").apply();
    }
    Namespace ns = Namespace.of("orders");
    try (Connection app = connect(server, "orders", Role.APPLICATION);
        JetStreamEventStore events = JetStreamEventStore.builder(app, ns).build();
        JetStreamSnapshotStore snapshots = JetStreamSnapshotStore.builder(app, ns).build()) {
      events.append("o-1", ExpectedVersion.noStream(), NewEvent.of("Placed", Payload.json("{}")));
      events.append("o-1", ExpectedVersion.exactly(1),
          NewEvent.of("Paid", Payload.json("{}")));
      assertThat(events.read("o-1", 1).events()).extracting(Event::type)
          .containsExactly("Placed", "Paid");
      List<Event> seen = Collections.synchronizedList(new ArrayList<>());
      try (EventSubscription durable = events.subscribe(SubscriptionOptions.builder()
          .durable("billing").build(), seen::add)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 2);
        assertThat(durable.isActive()).isTrue();
      }
      assertThat(snapshots.save(new Snapshot("o-1", 2, 2, Instant.now(), Payload.json("{}"))))
          .isTrue();
      assertThat(snapshots.load("o-1")).isPresent();
    }
  }

  @Test
  void withoutProvisioning_theApplicationRoleFailsAtOnce_namingTheProvisioningRole()
      throws Exception {
    try (Connection app = connect(server, "unprov", Role.APPLICATION)) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> JetStreamEventStore.builder(app, Namespace.of("unprov"))
          .retryBudget(RetryBudget.defaults().withTimeLimit(Duration.ofSeconds(60))).build())
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("$JS.API.STREAM.CREATE.AETHER_unprov")
          .hasMessageContaining("PROVISIONING role")
          .hasMessageContaining("Provisioner.apply() for namespace 'unprov'");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("refused at once, not after the 60 s retry budget")
          .isLessThan(Duration.ofSeconds(15));
    }
    try (Connection app = connect(server, "unprov", Role.APPLICATION)) {
      assertThatThrownBy(() -> provisioner(app, "unprov").apply())
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("PROVISIONING role");
    }
  }
  @Test
  void aDeclaredDurable_isPlannedAndCreated_andTheApplicationUsersSubscriptionAdoptsIt()
      throws Exception {
    Namespace ns = Namespace.of("durables");
    List<String> adminErrors = Collections.synchronizedList(new ArrayList<>());
    try (Connection admin = connect(server, "durables", Role.PROVISIONING, adminErrors)) {
      Provisioner p = Provisioner.builder(admin, NamespaceResources.of(ns))
          .durable("billing", "Placed", "Paid").durable("audit").build();
      ProvisioningPlan plan = p.plan();
      assertThat(plan.resources().subList(4, 6)).extracting(Resource::kind, Resource::stream,
          Resource::status).containsExactly(
              org.assertj.core.groups.Tuple.tuple("durable consumer",
                  "AETHER_durables > aether-sub-audit", Status.MISSING),
              org.assertj.core.groups.Tuple.tuple("durable consumer",
                  "AETHER_durables > aether-sub-billing", Status.MISSING));
      assertThat(plan.render()).contains(
          "MISSING  durable consumer AETHER_durables > aether-sub-billing\n");
      p.apply();
      assertThat(p.plan().upToDate()).as(p.plan().render()).isTrue();
    }
    assertThat(adminErrors).isEmpty();
    JetStreamManagement jsm;
    List<String> appErrors = Collections.synchronizedList(new ArrayList<>());
    try (Connection admin = connect(server, "durables", Role.PROVISIONING);
        Connection app = connect(server, "durables", Role.APPLICATION, appErrors);
        JetStreamEventStore events = JetStreamEventStore.builder(app, ns).build()) {
      jsm = admin.jetStreamManagement();
      ConsumerInfo made = jsm.getConsumerInfo("AETHER_durables", "aether-sub-billing");
      events.append("o-1", ExpectedVersion.noStream(), List.of(
          NewEvent.of("Placed", Payload.json("{}")), NewEvent.of("Shipped", Payload.json("{}")),
          NewEvent.of("Paid", Payload.json("{}"))));
      List<Event> seen = Collections.synchronizedList(new ArrayList<>());
      try (EventSubscription billing = events.subscribe(SubscriptionOptions.builder()
          .durable("billing").eventTypes("Paid", "Placed").build(), seen::add)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 2);
        assertThat(billing.isActive()).isTrue();
      }
      assertThat(seen).as("the provisioned durable starts at the first event, filtered")
          .extracting(Event::type).containsExactly("Placed", "Paid");
      assertThat(jsm.getConsumerInfo("AETHER_durables", "aether-sub-billing").getCreationTime())
          .as("adopted, not made anew").isEqualTo(made.getCreationTime());
      assertThat(appErrors).as("what the application user was refused").isEmpty();
    }
    try (Connection admin = connect(server, "durables", Role.PROVISIONING)) {
      assertThat(Provisioner.builder(admin, NamespaceResources.of(ns))
          .durable("billing", "Placed", "Paid").build().plan().upToDate()).isTrue();
    }
  }

  @Test
  void aChangedDurable_showsItsDifferences_isUpdatedInPlace_andNeverDeleted() throws Exception {
    Namespace ns = Namespace.of("durables");
    try (Connection admin = connect(server, "durables", Role.PROVISIONING)) {
      Provisioner p = Provisioner.builder(admin, NamespaceResources.of(ns))
          .durable("changed", "Placed").build();
      p.apply();
      JetStreamManagement jsm = admin.jetStreamManagement();
      ConsumerInfo made = jsm.getConsumerInfo("AETHER_durables", "aether-sub-changed");
      jsm.updateConsumer("AETHER_durables", ConsumerConfiguration.builder(
          made.getConsumerConfiguration()).maxAckPending(10).build());

      ProvisioningPlan plan = p.plan();
      Resource durable = plan.resources().get(4);
      assertThat(durable.status()).isEqualTo(Status.DIFFERS);
      assertThat(durable.differences()).containsExactly(
          new ProvisioningPlan.Difference("max_ack_pending", "10", "1024"));
      assertThat(plan.render()).contains(
          "DIFFERS  durable consumer AETHER_durables > aether-sub-changed\n"
              + "  max_ack_pending: found 10, wanted 1024\n");
      p.apply();
      assertThat(p.plan().upToDate()).isTrue();
      assertThat(jsm.getConsumerInfo("AETHER_durables", "aether-sub-changed").getCreationTime())
          .as("updated in place").isEqualTo(made.getCreationTime());

      jsm.addOrUpdateConsumer("AETHER_durables", ConsumerConfiguration.builder()
          .durable("aether-sub-noack").ackPolicy(AckPolicy.None)
          .filterSubjects("aether.ev.durables.>").build());
      Provisioner noAck = Provisioner.builder(admin, NamespaceResources.of(ns))
          .durable("noack").build();
      assertThat(noAck.plan().resources().get(4).differences())
          .contains(new ProvisioningPlan.Difference("ack_policy", "none", "explicit"));
      assertThatThrownBy(noAck::apply).isInstanceOf(AetherNonTransientException.class)
          .hasMessageContaining("aether-sub-noack").hasMessageContaining("never deletes");
      assertThat(jsm.getConsumerInfo("AETHER_durables", "aether-sub-noack")).isNotNull();
    }
  }

  @Test
  void anApplicationUserThatMayNotCreateTheDurable_failsAtOnce_namingTheProvisioningRole()
      throws Exception {
    Namespace ns = Namespace.of("strict");
    try (Connection admin = connect(server, "strict", Role.PROVISIONING)) {
      Provisioner.builder(admin, NamespaceResources.of(ns)).build().apply();
    }
    try (Connection admin = connect(server, "strict", Role.PROVISIONING);
        Connection app = connect(server, "strict", Role.APPLICATION);
        JetStreamEventStore events = JetStreamEventStore.builder(app, ns)
            .retryBudget(RetryBudget.defaults().withTimeLimit(Duration.ofSeconds(60))).build()) {
      events.append("o-1", ExpectedVersion.noStream(), NewEvent.of("Placed", Payload.json("{}")));
      SubscriptionOptions audit = SubscriptionOptions.builder().durable("audit")
          .eventTypes("Placed", "Paid").build();
      long start = System.nanoTime();
      assertThatThrownBy(() -> events.subscribe(audit, e -> { }))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("$JS.API.CONSUMER.DURABLE.CREATE.AETHER_strict.aether-sub-audit")
          .hasMessageContaining("PROVISIONING role must create it")
          .hasMessageContaining("aether-admin provision --namespace strict --durable"
              + " audit:Paid,Placed --apply");
      assertThat(Duration.ofNanos(System.nanoTime() - start))
          .as("refused at once, not after the 60 s retry budget")
          .isLessThan(Duration.ofSeconds(15));

      Provisioner.builder(admin, NamespaceResources.of(ns)).durable("audit", "Placed", "Paid")
          .build().apply();
      List<Event> seen = Collections.synchronizedList(new ArrayList<>());
      try (EventSubscription adopted = events.subscribe(audit, seen::add)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 1);
        assertThat(adopted.isActive()).isTrue();
      }
    }
  }
}
