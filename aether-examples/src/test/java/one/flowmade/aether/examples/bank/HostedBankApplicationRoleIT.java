package one.flowmade.aether.examples.bank;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Statement;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.Provisioner;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.postgres.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hosted bank example under the generated application role (issue 12, "Done when"): on a
 * real nats-server whose configuration aether-admin generated for namespace {@code bank}, with
 * the read model's bucket declared ({@link NamespaceResources#withBucket}), the namespace
 * provisioned by its provisioning user ({@link Provisioner#apply()}, and the balances bucket
 * created), the whole example (two cluster nodes hosting the accounts, transfers, both read
 * models) runs as the application user without one permission violation. Before, the KV read
 * model needed a bucket outside every generated role, and listed bucket names to find it.
 */
final class HostedBankApplicationRoleIT {

  private static final NamespaceResources BANK = NamespaceResources.of(BankNode.BANK)
      .withBucket(BankReadModels.BALANCES_BUCKET);

  private static PostgresServer postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresServer.start();
    try (java.sql.Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS account_balance, aether_projection_checkpoint");
    }
  }

  @AfterAll
  static void stopPostgres() {
    postgres.close();
  }

  private static Options.Builder as(NatsServer nats, String user, String password,
      List<String> errors) {
    return Options.builder().server(nats.url()).userInfo(user, password)
        .inboxPrefix(BANK.inboxPrefix())
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            errors.add(error);
          }
        });
  }

  @Test
  void example_runsAsTheGeneratedApplicationUser_withoutOnePermissionViolation()
      throws Exception {
    String conf = ServerConfiguration.builder().account(NamespaceAccount.builder(BANK)
            .user("bank-app", "app-secret", Role.APPLICATION)
            .user("bank-admin", "admin-secret", Role.PROVISIONING)
            .build())
        .build().render();
    List<String> errors = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (NatsServer nats = NatsServer.builder().config(conf.substring(conf.indexOf("accounts {")))
        .start()) {
      try (Connection admin = Nats.connect(as(nats, "bank-admin", "admin-secret",
          Collections.synchronizedList(new java.util.ArrayList<>())).build())) {
        Provisioner.builder(admin, BANK).build().apply();
        new KvBalances(admin, BankReadModels.BALANCES_BUCKET);
      }

      new HostedBankExample(new PrintStream(buffer, true, StandardCharsets.UTF_8))
          .run(name -> as(nats, "bank-app", "app-secret", errors), postgres.jdbcUrl(),
              postgres.user());

      try (Connection app = Nats.connect(as(nats, "bank-app", "app-secret", errors).build())) {
        Throwable failure = catchThrowable(() -> app.keyValueManagement()
            .delete(BankReadModels.BALANCES_BUCKET));
        assertThat(failure).as("the application user deletes the read model's bucket")
            .isNotNull();
        assertThat(app.keyValueManagement().getStatus(BankReadModels.BALANCES_BUCKET)
            .getEntryCount()).isEqualTo(3);
      }
    }
    String output = buffer.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .contains("t-1 alice -> bob 2500: done")
        .contains("t-1 sent again: already applied, nothing stored twice")
        .contains("PostgreSQL (exactly once): {alice=7500, bob=4000, carol=1000}")
        .contains("NATS KV (at least once, idempotent): {alice=7500, bob=4000, carol=1000}");
    assertThat(errors).as("permission violations").filteredOn(e -> e.contains("Permissions"))
        .singleElement().asString().contains("$JS.API.STREAM.DELETE.KV_bank-balances");
  }
}
