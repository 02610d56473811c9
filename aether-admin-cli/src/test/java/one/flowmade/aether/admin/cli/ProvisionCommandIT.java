package one.flowmade.aether.admin.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import java.util.ArrayList;
import java.util.List;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code provision} and {@code verify} run in this JVM against a real server configured by
 * aether-admin (an account per namespace, each with an application and a provisioning user):
 * verify reports what is missing, provision without --apply changes nothing, --apply creates and
 * then is a no-op, drift is shown and repaired, durable consumers given with --durable are
 * planned, created and verified, and failures exit 1 with one line.
 */
final class ProvisionCommandIT {

  private static final List<String> NAMESPACES =
      List.of("empty", "dry", "applied", "drifted", "refused", "durable", "typed");
  private static NatsServer server;

  /**
   * The accounts block of the configuration {@code config} prints, so the server these tests use
   * runs what the command generates: NS-app and NS-admin per namespace.
   */
  static String accounts(List<String> namespaces) {
    List<String> args = new ArrayList<>(List.of("config"));
    for (String ns : namespaces) {
      args.addAll(List.of("--namespace", ns,
          "--user", ns + ":" + ns + "-app:application:app-secret",
          "--user", ns + ":" + ns + "-admin:provisioning:admin-secret"));
    }
    Cli config = Cli.run(args.toArray(String[]::new));
    assertThat(config.code()).as(config.toString()).isZero();
    return config.out().substring(config.out().indexOf("accounts {"));
  }

  @BeforeAll
  static void start() {
    server = NatsServer.builder().config(accounts(NAMESPACES)).start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static Cli cli(String command, String ns, String... more) {
    List<String> args = new ArrayList<>(List.of(command, "--namespace", ns,
        "--server", server.url(), "--user", ns + "-admin", "--password", "admin-secret"));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  private static Connection admin(String ns) throws Exception {
    return Nats.connect(server.connectionOptions().userInfo(ns + "-admin", "admin-secret")
        .inboxPrefix("_INBOX_" + ns).build());
  }

  /** Each of the namespace's streams' configuration as JSON, or "absent". */
  private static List<String> streams(String ns) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = admin(ns)) {
      JetStreamManagement jsm = c.jetStreamManagement();
      for (String s : NamespaceResources.of(Namespace.of(ns)).streams()) {
        try {
          out.add(jsm.getStreamInfo(s).getConfiguration().toJson());
        } catch (JetStreamApiException e) {
          out.add("absent: " + e.getApiErrorCode());
        }
      }
    }
    return out;
  }

  @Test
  void verifyOnAnEmptyServer_exits1_listingEverythingMissing() throws Exception {
    Cli r = cli("verify", "empty");
    assertThat(r.code()).as(r.toString()).isEqualTo(AetherAdmin.FAILED);
    assertThat(r.out()).isEqualTo("""
        MISSING  event stream AETHER_empty
        MISSING  snapshot stream AETHERSNAP_empty
        MISSING  cluster bucket KV_aether-cluster-empty
        MISSING  checkpoint bucket KV_aether-projections-empty
        namespace 'empty' is not provisioned as Aether needs it: 4 missing (run 'aether-admin\
         provision --apply')
        """);
    assertThat(r.err()).isEmpty();
    assertThat(streams("empty")).allMatch(s -> s.equals("absent: 10059"));
  }

  @Test
  void provisionWithoutApply_printsThePlan_andChangesNothing() throws Exception {
    Cli r = cli("provision", "dry", "--replicas", "1");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("MISSING  event stream AETHER_dry\n",
        "4 missing; nothing was changed (run again with --apply to create and update)");
    assertThat(streams("dry")).as("the server still has none of the streams")
        .allMatch(s -> s.equals("absent: 10059"));
  }

  @Test
  void provisionApply_createsEverything_verifyThenExits0_andASecondApplyChangesNothing()
      throws Exception {
    Cli applied = cli("provision", "applied", "--apply");
    assertThat(applied.code()).as(applied.toString()).isZero();
    assertThat(applied.out()).isEqualTo("""
        created   event stream AETHER_applied
        created   snapshot stream AETHERSNAP_applied
        created   cluster bucket KV_aether-cluster-applied
        created   checkpoint bucket KV_aether-projections-applied
        applied: namespace 'applied' is provisioned
        """);
    Cli verified = cli("verify", "applied");
    assertThat(verified.code()).as(verified.toString()).isZero();
    assertThat(verified.out()).contains("MATCHES  event stream AETHER_applied\n",
        "verified: namespace 'applied' is provisioned as Aether needs it");

    List<String> before = streams("applied");
    Cli again = cli("provision", "applied", "--apply");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains("unchanged event stream AETHER_applied\n",
        "namespace 'applied' was up to date; nothing changed");
    assertThat(streams("applied")).isEqualTo(before);

    Cli otherReplicas = cli("verify", "applied", "--storage", "memory");
    assertThat(otherReplicas.code()).isEqualTo(AetherAdmin.FAILED);
    assertThat(otherReplicas.out()).contains("  storage: found file, wanted memory\n");
  }

  @Test
  void aDriftedStream_showsDiffers_andApplyRepairsIt() throws Exception {
    assertThat(cli("provision", "drifted", "--apply").code()).isZero();
    try (Connection c = admin("drifted")) {
      JetStreamManagement jsm = c.jetStreamManagement();
      StreamConfiguration made = jsm.getStreamInfo("AETHER_drifted").getConfiguration();
      jsm.updateStream(StreamConfiguration.builder(made).maxMessagesPerSubject(5).build());
    }
    Cli drift = cli("verify", "drifted");
    assertThat(drift.code()).as(drift.toString()).isEqualTo(AetherAdmin.FAILED);
    assertThat(drift.out()).contains("DIFFERS  event stream AETHER_drifted\n"
        + "  max_msgs_per_subject: found 5, wanted -1\n",
        "3 matching, 1 differing");
    Cli dry = cli("provision", "drifted");
    assertThat(dry.out()).contains("  max_msgs_per_subject: found 5, wanted -1\n");

    Cli fixed = cli("provision", "drifted", "--apply");
    assertThat(fixed.code()).as(fixed.toString()).isZero();
    assertThat(fixed.out()).contains(
        "updated   event stream AETHER_drifted (max_msgs_per_subject)\n",
        "unchanged snapshot stream AETHERSNAP_drifted\n");
    assertThat(cli("verify", "drifted").code()).isZero();
  }

  @Test
  void theApplicationRole_cannotProvision_andExits1_namingTheRoleNeeded() {
    Cli r = Cli.run("provision", "--namespace", "refused", "--apply", "--server", server.url(),
        "--user", "refused-app", "--password", "app-secret");
    assertThat(r.code()).as(r.toString()).isEqualTo(AetherAdmin.FAILED);
    assertThat(r.err()).startsWith("aether-admin: ").contains("PROVISIONING role")
        .hasLineCount(1);
  }

  @Test
  void unreachableServerOrWrongPassword_exit1_withOneLine_andAStackTraceOnlyWhenVerbose() {
    Cli down = Cli.run("verify", "-n", "empty", "--server", "nats://127.0.0.1:1",
        "--timeout", "2");
    assertThat(down.code()).isEqualTo(AetherAdmin.FAILED);
    assertThat(down.err()).isEqualTo("aether-admin: cannot connect to nats://127.0.0.1:1:"
        + " Unable to connect to NATS servers: [nats://127.0.0.1:1]\n");
    Cli wrong = Cli.run("verify", "-n", "empty", "--server", server.url(), "--user",
        "empty-admin", "--password", "wrong");
    assertThat(wrong.code()).isEqualTo(AetherAdmin.FAILED);
    assertThat(wrong.err()).startsWith("aether-admin: cannot connect to " + server.url())
        .containsIgnoringCase("authorization").hasLineCount(1);
    Cli verbose = Cli.run("verify", "-n", "empty", "--server", "nats://127.0.0.1:1",
        "--timeout", "2", "--verbose");
    assertThat(verbose.err()).contains("AetherTransientException", "\tat ");
    Cli both = Cli.run("verify", "-n", "empty", "--user", "u", "--password", "p", "--token",
        "t");
    assertThat(both.code()).isEqualTo(AetherAdmin.USAGE);
    assertThat(both.err()).contains("give one of --user/--password, --creds and --token");
  }
  @Test
  void durables_areShownInThePlan_createdWithApply_andVerified() throws Exception {
    String placed = SubjectLayout.typeEvents(Namespace.of("durable"), "OrderPlaced");
    String paid = SubjectLayout.typeEvents(Namespace.of("durable"), "OrderPaid");
    Cli dry = cli("provision", "durable", "--durable", "billing:OrderPlaced,OrderPaid",
        "--durable", "audit");
    assertThat(dry.code()).as(dry.toString()).isZero();
    assertThat(dry.out()).contains(
        "MISSING  durable consumer AETHER_durable > aether-sub-audit\n",
        "MISSING  durable consumer AETHER_durable > aether-sub-billing\n",
        "6 missing; nothing was changed");

    Cli applied = cli("provision", "durable", "--apply", "--durable",
        "billing:OrderPlaced,OrderPaid", "--durable", "audit");
    assertThat(applied.code()).as(applied.toString()).isZero();
    assertThat(applied.out()).contains(
        "created   durable consumer AETHER_durable > aether-sub-audit\n",
        "created   durable consumer AETHER_durable > aether-sub-billing\n");
    try (Connection c = admin("durable")) {
      assertThat(c.jetStreamManagement().getConsumerInfo("AETHER_durable", "aether-sub-billing")
          .getConsumerConfiguration().getFilterSubjects()).containsExactlyInAnyOrder(
              paid, placed);
    }
    Cli verified = cli("verify", "durable", "--durable", "billing:OrderPlaced,OrderPaid");
    assertThat(verified.code()).as(verified.toString()).isZero();
    assertThat(verified.out()).contains(
        "MATCHES  durable consumer AETHER_durable > aether-sub-billing\n");

    Cli otherTypes = cli("verify", "durable", "--durable", "billing:OrderPlaced");
    assertThat(otherTypes.code()).isEqualTo(AetherAdmin.FAILED);
    assertThat(otherTypes.out()).contains(
        "DIFFERS  durable consumer AETHER_durable > aether-sub-billing\n",
        "  filter_subjects: found [" + paid + ", " + placed + "], wanted [" + placed + "]\n");

    Cli bad = cli("verify", "durable", "--durable", "bill ing");
    assertThat(bad.code()).isEqualTo(AetherAdmin.USAGE);
    assertThat(bad.err()).contains("Invalid value for option '--durable'").hasLineCount(1);
  }

  @Test
  void durableType_takesEventTypesWithCommasColonsAndEquals_verbatim() throws Exception {
    String withComma = "order.placed,v2";
    String withColon = "urn:order:paid=1";
    Cli applied = cli("provision", "typed", "--apply", "--durable-type", "billing=" + withComma,
        "--durable-type", "billing=" + withColon, "--durable", "audit:Simple",
        "--durable-type", "audit=with space");
    assertThat(applied.code()).as(applied.toString()).isZero();
    assertThat(applied.out()).contains(
        "created   durable consumer AETHER_typed > aether-sub-billing\n",
        "created   durable consumer AETHER_typed > aether-sub-audit\n");
    Namespace ns = Namespace.of("typed");
    try (Connection c = admin("typed")) {
      JetStreamManagement jsm = c.jetStreamManagement();
      assertThat(jsm.getConsumerInfo("AETHER_typed", "aether-sub-billing")
          .getConsumerConfiguration().getFilterSubjects()).containsExactlyInAnyOrder(
              SubjectLayout.typeEvents(ns, withComma), SubjectLayout.typeEvents(ns, withColon));
      assertThat(jsm.getConsumerInfo("AETHER_typed", "aether-sub-audit")
          .getConsumerConfiguration().getFilterSubjects()).containsExactlyInAnyOrder(
              SubjectLayout.typeEvents(ns, "Simple"), SubjectLayout.typeEvents(ns, "with space"));
    }
    Cli verified = cli("verify", "typed", "--durable-type", "billing=" + withColon,
        "--durable-type", "billing=" + withComma);
    assertThat(verified.code()).as(verified.toString()).isZero();
    assertThat(verified.out()).contains(
        "MATCHES  durable consumer AETHER_typed > aether-sub-billing\n");

    Cli split = cli("verify", "typed", "--durable", "billing:" + withComma + "," + withColon);
    assertThat(split.code()).as("the old form splits at every comma: three other types")
        .isEqualTo(AetherAdmin.FAILED);
    assertThat(split.out()).contains("DIFFERS  durable consumer AETHER_typed > aether-sub-billing");

    Cli noEquals = cli("verify", "typed", "--durable-type", "billing");
    assertThat(noEquals.code()).isEqualTo(AetherAdmin.USAGE);
    assertThat(noEquals.err()).isEqualTo("aether-admin: Invalid value for option"
        + " '--durable-type' ('billing'): expected NAME=TYPE (see 'aether-admin verify --help')\n");
    Cli emptyType = cli("verify", "typed", "--durable-type", "billing=");
    assertThat(emptyType.code()).isEqualTo(AetherAdmin.USAGE);
    assertThat(emptyType.err()).contains("Invalid value for option '--durable-type'"
        + " ('billing=')").hasLineCount(1);
    Cli both = cli("verify", "typed", "--durable", "audit", "--durable-type", "audit=Simple");
    assertThat(both.code()).isEqualTo(AetherAdmin.USAGE);
    assertThat(both.err()).contains("--durable audit subscribes to every type").hasLineCount(1);
  }
}
