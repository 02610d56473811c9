package one.flowmade.aether.verification.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.verification.testing.Subjects;

/**
 * The generated permissions allow everything a namespace's components use and nothing of any
 * other namespace.
 */
final class NamespacePermissionsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Provide
  Arbitrary<Namespace> namespaces() {
    Arbitrary<String> names = Arbitraries.strings().withChars("ab0-_").ofMinLength(0)
        .ofMaxLength(4).map(rest -> "a" + rest);
    return names.map(Namespace::of);
  }

  /** Every subject one namespace's components publish or subscribe to. */
  private static List<String> subjectsOf(Namespace ns) {
    String n = ns.name();
    List<String> subjects = new ArrayList<>(List.of(
        SubjectLayout.eventSubject(ns, "actor.1", "Type"),
        SubjectLayout.busSubject(ns, "actor.1", "Type"),
        SubjectLayout.allEvents(ns),
        "aether.bus." + n + ".>",
        "aether.snap." + n + ".actor=2E1",
        "aether.cluster." + n + ".shard.3.actor",
        "$KV.aether-cluster-" + n + ".members.node-1",
        "_INBOX_" + n + ".abc"));
    for (String stream : List.of("AETHER_" + n, "AETHERSNAP_" + n, "KV_aether-cluster-" + n)) {
      subjects.add("$JS.API.STREAM.INFO." + stream);
      subjects.add("$JS.API.STREAM.CREATE." + stream);
      subjects.add("$JS.API.STREAM.MSG.GET." + stream);
      subjects.add("$JS.API.CONSUMER.CREATE." + stream + ".c1." + SubjectLayout.allEvents(ns));
      subjects.add("$JS.API.CONSUMER.MSG.NEXT." + stream + ".c1");
      subjects.add("$JS.ACK." + stream + ".c1.1.2.3.4.5");
    }
    return subjects;
  }

  private static boolean allowed(List<String> allow, String subject) {
    return allow.stream().anyMatch(filter -> Subjects.matches(filter, subject)
        || filter.equals(subject));
  }

  @Property(tries = 100)
  void permissions_allowEverySubjectOfTheirNamespace(@ForAll("namespaces") Namespace ns) {
    NamespacePermissions permissions = NamespacePermissions.of(ns);

    for (String subject : subjectsOf(ns)) {
      assertThat(allowed(permissions.publishAllow(), subject)).as(subject).isTrue();
    }
  }

  @Property(tries = 200)
  void permissions_allowNoSubjectOfAnotherNamespace(
      @ForAll("namespaces") Namespace mine, @ForAll("namespaces") Namespace other) {
    Assume.that(!mine.equals(other));
    NamespacePermissions permissions = NamespacePermissions.of(mine);

    for (String subject : subjectsOf(other)) {
      assertThat(allowed(permissions.publishAllow(), subject)).as(subject).isFalse();
      assertThat(allowed(permissions.subscribeAllow(), subject)).as(subject).isFalse();
    }
  }

  @Example
  void permissions_allowNoWildcardAcrossNamespaces() {
    NamespacePermissions permissions = NamespacePermissions.of(Namespace.of("orders"));

    for (String filter : List.of(">", "aether.>", "aether.ev.>", "aether.ev.*.>", "_INBOX.>",
        "$JS.API.>", "$JS.API.STREAM.NAMES", "$JS.API.STREAM.LIST",
        "$JS.API.STREAM.DELETE.AETHER_orders", "$JS.API.STREAM.PURGE.AETHER_orders", "$KV.>")) {
      assertThat(allowed(permissions.publishAllow(), filter)).as(filter).isFalse();
      assertThat(allowed(permissions.subscribeAllow(), filter)).as(filter).isFalse();
    }
  }

  @Example
  void user_isAServerConfigEntryWithThePermissions() throws Exception {
    NamespacePermissions permissions = NamespacePermissions.builder(Namespace.of("orders"))
        .clusterName("shop").manageStreams(false).build();

    JsonNode user = JSON.readTree(permissions.user("orders-svc", "pa\"ss"));

    assertThat(user.get("user").asText()).isEqualTo("orders-svc");
    assertThat(user.get("password").asText()).isEqualTo("pa\"ss");
    List<String> publish = new ArrayList<>();
    user.at("/permissions/publish/allow").forEach(n -> publish.add(n.asText()));
    assertThat(publish).isEqualTo(permissions.publishAllow())
        .contains("aether.cluster.shop.>", "$KV.aether-cluster-shop.>")
        .doesNotContain("$JS.API.STREAM.CREATE.AETHER_orders");
    assertThat(NamespacePermissions.authorization(permissions.user("u", "p")))
        .startsWith("authorization {").contains("users = [");
  }

  @Example
  void builder_rejectsInvalidInput() {
    NamespacePermissions permissions = NamespacePermissions.of(Namespace.of("orders"));

    assertThatThrownBy(() -> permissions.user("a b", "p"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> permissions.user("u", "")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NamespacePermissions.builder(Namespace.of("x")).clusterName("A.b"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NamespacePermissions.builder(Namespace.of("x")).clusterName("c")
        .clusterName("d")).isInstanceOf(IllegalStateException.class);
  }

  @Example
  void violations_parseTheServersErrorText() {
    assertThat(PermissionViolations.parse(
        "Permissions Violation for Publish to \"aether.ev.b.x.T\"", "c"))
        .hasValueSatisfying(v -> {
          assertThat(v.publish()).isTrue();
          assertThat(v.subject()).isEqualTo("aether.ev.b.x.T");
          assertThat(v.describe()).contains("publish to 'aether.ev.b.x.T'", "permission");
        });
    assertThat(PermissionViolations.parse(
        "Permissions Violation for Subscription to \"aether.ev.*.>\"", "c"))
        .hasValueSatisfying(v -> assertThat(v.publish()).isFalse());
    assertThat(PermissionViolations.parse("Maximum Payload Violation", "c")).isEmpty();
  }
}
