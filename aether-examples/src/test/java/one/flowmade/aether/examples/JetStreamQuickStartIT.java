package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Nats;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import one.flowmade.aether.examples.quickstart.JetStreamQuickStart;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/** The README's JetStream quick start on a real server, also under the application role. */
final class JetStreamQuickStartIT {

  @Test
  void jetStreamQuickStart_runsTheActorAndTheReadModelOnARealServer() {
    try (NatsServer nats = NatsServer.start()) {
      String output = ReadmeQuickStartTest.capture(() -> {
        try {
          JetStreamQuickStart.main(new String[] {nats.url()});
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });

      assertThat(output.lines()).containsExactly(
          "alice: 1500 cents at version 3",
          "read model at position 3: {alice=1500}");
    }
  }

  @Test
  void jetStreamQuickStart_runsUnderTheApplicationRole_ofAProvisionedNamespace() throws Exception {
    Namespace bank = Namespace.of("bank");
    String conf = ServerConfiguration.builder().account(NamespaceAccount.builder(bank)
        .user("bank-app", "app-secret", Role.APPLICATION)
        .user("bank-admin", "admin-secret", Role.PROVISIONING).build()).build().render();
    try (NatsServer nats = NatsServer.builder().config(conf.substring(conf.indexOf("accounts {")))
        .start()) {
      try (Connection admin = Nats.connect(nats.connectionOptions()
          .userInfo("bank-admin", "admin-secret").inboxPrefix("_INBOX_bank").build())) {
        JetStreamEventStore.builder(admin, bank).build().close();
      }
      String url = "nats://bank-app:app-secret@127.0.0.1:" + nats.port();

      String output = ReadmeQuickStartTest.capture(() -> {
        try {
          JetStreamQuickStart.main(new String[] {url});
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });

      assertThat(output.lines()).containsExactly(
          "alice: 1500 cents at version 3",
          "read model at position 3: {alice=1500}");
    }
  }
}
