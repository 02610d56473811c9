package one.flowmade.aether.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
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
 * role, on one that is not.
 */
final class ProvisionerIT {

  static final List<String> NAMESPACES =
      List.of("fresh", "created", "tampered", "orders", "unprov");
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

  @BeforeAll
  static void start() {
    server = NatsServer.builder().config(accounts(NAMESPACES)).start();
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
}
