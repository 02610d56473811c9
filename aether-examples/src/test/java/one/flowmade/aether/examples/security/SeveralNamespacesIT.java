package one.flowmade.aether.examples.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.nats.client.Connection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/**
 * The example on a real nats-server whose configuration aether-admin generated (an account per
 * namespace), with the namespaces provisioned by their provisioning users and the example run as
 * their application users.
 */
final class SeveralNamespacesIT {

  private static final Namespace ORDERS = Namespace.of("orders");
  private static final Namespace BILLING = Namespace.of("billing");

  private static NamespaceAccount account(Namespace ns) {
    return NamespaceAccount.builder(ns)
        .user(ns.name() + "-app", ns.name() + "-app-secret", Role.APPLICATION)
        .user(ns.name() + "-admin", ns.name() + "-admin-secret", Role.PROVISIONING)
        .build();
  }

  @Test
  void example_usesTwoNamespacesThroughTheirOwnAccounts_asApplicationUsers() throws Exception {
    String conf = ServerConfiguration.builder().account(account(ORDERS)).account(account(BILLING))
        .build().render();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (NatsServer nats = NatsServer.builder().config(conf.substring(conf.indexOf("accounts {")))
        .start()) {
      for (Namespace ns : new Namespace[] {ORDERS, BILLING}) {
        try (Connection admin = SeveralNamespaces.connect(nats.url(), ns.name() + "-admin",
            ns.name() + "-admin-secret", ns)) {
          JetStreamEventStore.builder(admin, ns).build().close();
        }
      }

      SeveralNamespaces.run(nats.url(), "orders-app", "orders-app-secret", "billing-app",
          "billing-app-secret", new PrintStream(buffer, true, StandardCharsets.UTF_8));

      assertThat(buffer.toString(StandardCharsets.UTF_8))
          .contains("orders holds 1 event(s), billing holds 1");
      try (Connection orders = SeveralNamespaces.connect(nats.url(), "orders-app",
          "orders-app-secret", ORDERS)) {
        Throwable failure = catchThrowable(() -> JetStreamEventStore.builder(orders, BILLING)
            .requestTimeout(Duration.ofSeconds(2)).build());
        assertThat(failure).as("billing's store on orders' connection")
            .isInstanceOf(PermissionDeniedException.class)
            .hasMessageContaining("AETHER_billing");
      }
    }
  }
}
