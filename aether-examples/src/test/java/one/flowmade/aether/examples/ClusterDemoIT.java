package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import one.flowmade.aether.examples.bank.BankNode;
import one.flowmade.aether.examples.cluster.ClusterDemo;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/** The multi-process bank demo on a real nats-server: three node processes, one stopped. */
final class ClusterDemoIT {

  private static final Pattern OWNER = Pattern.compile("^   (\\S+) +-> (node-\\d)$");
  private static final Pattern MOVED =
      Pattern.compile("^   (\\S+) +was node-3, now: (.*) \\(\\d+ ms\\)$");

  @Test
  void accountsRunOnAllThreeNodes_andAStoppedNodesAccountsRunOnTheOthers() {
    String output;
    try (NatsServer nats = NatsServer.start()) {
      output = run(nats.url(), "demo");
    }
    check(output);
  }

  /**
   * The same demo with every process connected as the bank namespace's application user, on a
   * server with aether-admin's configuration, after the provisioning user created the event
   * stream and the cluster bucket.
   */
  @Test
  void theDemoRunsUnderTheApplicationRole_ofAProvisionedNamespace() throws Exception {
    NamespaceResources bank = NamespaceResources.of(BankNode.BANK, "demo");
    String conf = ServerConfiguration.builder().account(NamespaceAccount.builder(bank)
        .user("bank-app", "app-secret", Role.APPLICATION)
        .user("bank-admin", "admin-secret", Role.PROVISIONING).build()).build().render();
    String output;
    try (NatsServer nats = NatsServer.builder().config(conf.substring(conf.indexOf("accounts {")))
        .start()) {
      try (Connection admin = Nats.connect(nats.connectionOptions()
          .userInfo("bank-admin", "admin-secret").inboxPrefix(bank.inboxPrefix()).build())) {
        JetStreamEventStore.builder(admin, BankNode.BANK).build().close();
        KeyValueConfiguration bucket = KeyValueConfiguration.builder()
            .name(bank.clusterBucket()).maxHistoryPerKey(1).storageType(StorageType.File)
            .limitMarker(Duration.ofMinutes(10)).build();
        admin.jetStreamManagement().addStream(StreamConfiguration.builder(
            bucket.getBackingConfig()).allowDirect(false).build());
      }
      output = run("nats://bank-app:app-secret@127.0.0.1:" + nats.port(), "demo");
    }
    check(output);
  }

  private static String run(String url, String cluster) {
    return ReadmeQuickStartTest.capture(() -> {
      try {
        ClusterDemo.main(new String[] {"--nats", url, "--cluster", cluster});
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });
  }

  private static void check(String output) {
    List<String> lines = output.lines().collect(Collectors.toList());
    int stop = lines.indexOf("== stopping node-3 (SIGTERM): it releases its shards and leaves");
    assertThat(stop).as(output).isPositive();

    List<String> ownersBefore = lines.subList(0, stop).stream().map(OWNER::matcher)
        .filter(Matcher::matches).map(m -> m.group(2)).collect(Collectors.toList());
    assertThat(ownersBefore).as(output).hasSize(20)
        .contains("node-1", "node-2", "node-3");

    List<String> moved = lines.stream().map(MOVED::matcher).filter(Matcher::matches)
        .map(m -> m.group(2)).collect(Collectors.toList());
    assertThat(moved).as(output).hasSize((int) ownersBefore.stream()
        .filter("node-3"::equals).count())
        .allMatch(reply -> reply.matches("APPLIED on node-[12], version 2"));

    int everyone = lines.indexOf("== everyone now:");
    List<String> ownersAfter = lines.subList(everyone, lines.size()).stream().map(OWNER::matcher)
        .filter(Matcher::matches).map(m -> m.group(2)).collect(Collectors.toList());
    assertThat(ownersAfter).as(output).hasSize(20).doesNotContain("node-3");
  }
}
