package one.flowmade.aether.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.SubjectLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated roles allow every subject a namespace's components use at run time and no subject
 * of any other namespace, also of namespaces whose names are prefixes of each other or differ in
 * '-' and '_'.
 */
final class RolePermissionsTest {

  private static final List<String> NAMES = List.of("a", "ab", "a-b", "a_b", "a0", "b", "orders",
      "orders-eu", "orders_eu", "orders-e");

  static Stream<Namespace> namespaces() {
    return NAMES.stream().map(Namespace::of);
  }

  static Stream<Arguments> pairs() {
    List<Arguments> pairs = new ArrayList<>();
    for (String mine : NAMES) {
      for (String other : NAMES) {
        if (!mine.equals(other)) {
          pairs.add(Arguments.of(Namespace.of(mine), Namespace.of(other)));
        }
      }
    }
    return pairs.stream();
  }

  /** Every subject one namespace's components publish to at run time. */
  private static List<String> runtimePublishes(Namespace ns) {
    String n = ns.name();
    List<String> subjects = new ArrayList<>(List.of(
        SubjectLayout.eventSubject(ns, "actor.1", "Type"),
        SubjectLayout.busSubject(ns, "actor.1", "Type"),
        "aether.snap." + n + ".actor=2E1",
        "aether.cluster." + n + ".shard.3.actor",
        "$KV.aether-cluster-" + n + ".members.node-1",
        "$KV.aether-projections-" + n + ".order-count",
        "_INBOX_" + n + ".abc",
        "$JS.API.INFO"));
    for (String stream : List.of("AETHER_" + n, "AETHERSNAP_" + n, "KV_aether-cluster-" + n,
        "KV_aether-projections-" + n)) {
      subjects.add("$JS.API.STREAM.INFO." + stream);
      subjects.add("$JS.API.STREAM.MSG.GET." + stream);
      subjects.add("$JS.API.DIRECT.GET." + stream);
      subjects.add("$JS.API.CONSUMER.CREATE." + stream + ".c1." + SubjectLayout.allEvents(ns));
      subjects.add("$JS.API.CONSUMER.DURABLE.CREATE." + stream + ".billing");
      subjects.add("$JS.API.CONSUMER.MSG.NEXT." + stream + ".c1");
      subjects.add("$JS.ACK." + stream + ".c1.1.2.3.4.5");
    }
    return subjects;
  }

  /** Every subject one namespace's components subscribe to at run time. */
  private static List<String> runtimeSubscriptions(Namespace ns) {
    String n = ns.name();
    return List.of(SubjectLayout.allEvents(ns), SubjectLayout.allBusEvents(ns),
        "aether.cluster." + n + ".>", "_INBOX_" + n + ".>");
  }

  /** Whether the server would allow the subject (or a subscription to the filter). */
  static boolean allowed(List<String> allow, String subject) {
    return allow.stream().anyMatch(filter -> matches(filter, subject));
  }

  /** NATS matching: {@code *} is one token, a trailing {@code >} one or more. */
  static boolean matches(String filter, String subject) {
    String[] f = filter.split("\\.", -1);
    String[] s = subject.split("\\.", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals(">")) {
        return i == f.length - 1 && s.length > i;
      }
      if (i >= s.length || (!f[i].equals("*") && !f[i].equals(s[i]))) {
        return false;
      }
    }
    return f.length == s.length;
  }

  @ParameterizedTest
  @MethodSource("namespaces")
  void applicationRole_allowsEverySubjectItsComponentsUse(Namespace ns) {
    NamespaceResources r = NamespaceResources.of(ns);

    for (String subject : runtimePublishes(ns)) {
      assertThat(allowed(Role.APPLICATION.publishAllow(r), subject)).as(subject).isTrue();
    }
    for (String subject : runtimeSubscriptions(ns)) {
      assertThat(allowed(Role.APPLICATION.subscribeAllow(r), subject)).as(subject).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("pairs")
  void noRole_allowsASubjectOfAnotherNamespace(Namespace mine, Namespace other) {
    NamespaceResources r = NamespaceResources.of(mine);
    List<String> theirs = new ArrayList<>(runtimePublishes(other));
    theirs.addAll(runtimeSubscriptions(other));
    theirs.removeIf(s -> s.equals("$JS.API.INFO"));
    for (String s : List.of("AETHER_", "AETHERSNAP_", "KV_aether-cluster-",
        "KV_aether-projections-")) {
      theirs.add("$JS.API.STREAM.CREATE." + s + other.name());
      theirs.add("$JS.API.STREAM.UPDATE." + s + other.name());
    }

    for (Role role : Role.values()) {
      for (String subject : theirs) {
        assertThat(allowed(role.publishAllow(r), subject)).as(role + " publish " + subject)
            .isFalse();
        assertThat(allowed(role.subscribeAllow(r), subject)).as(role + " subscribe " + subject)
            .isFalse();
      }
    }
  }

  @Test
  void noRole_allowsAWildcardAcrossNamespacesOrListing() {
    NamespaceResources r = NamespaceResources.of(Namespace.of("orders"));

    for (Role role : Role.values()) {
      for (String filter : List.of(">", "aether.>", "aether.ev.>", "aether.ev.*.>", "_INBOX.>",
          "$JS.API.>", "$JS.API.STREAM.NAMES", "$JS.API.STREAM.LIST",
          "$JS.API.STREAM.DELETE.AETHER_orders", "$JS.API.STREAM.PURGE.AETHER_orders",
          "$JS.API.STREAM.DELETE.KV_aether-projections-orders", "$KV.>", "$JS.EVENT.>",
          "$SYS.>")) {
        assertThat(allowed(role.publishAllow(r), filter)).as(role + " publish " + filter)
            .isFalse();
        assertThat(allowed(role.subscribeAllow(r), filter)).as(role + " subscribe " + filter)
            .isFalse();
      }
    }
  }
}
