package one.flowmade.aether.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerConfigurationTest {

  @TempDir Path dir;

  static NamespaceAccount orders() {
    return NamespaceAccount.builder(Namespace.of("orders"))
        .maxStorage(1L << 30).maxMemory(64L << 20).maxStreams(10).maxConsumers(100)
        .user("orders-app", "app-secret", Role.APPLICATION)
        .user("orders-admin", "admin-secret", Role.PROVISIONING)
        .build();
  }

  static NamespaceAccount ordersEu() {
    return NamespaceAccount.builder(NamespaceResources.of(Namespace.of("orders-eu"), "eu-workers"))
        .user("orders-eu-app", "eu-secret", Role.APPLICATION)
        .readableBy(Namespace.of("orders"))
        .build();
  }

  @Test
  void accountPerNamespaceConfigurationPassesTheServersCheck() throws Exception {
    String conf = ServerConfiguration.builder().account(orders()).account(ordersEu())
        .storeDir(dir.resolve("js").toString()).port(4333).build().render();
    assertThat(conf).contains("\"orders\": {", "\"orders-eu\": {",
        "max_file: 1073741824", "max_streams: 10", "max_consumers: 100",
        "{stream: \"aether.bus.orders-eu.>\", accounts: [\"orders\"]}",
        "{stream: {account: \"orders-eu\", subject: \"aether.bus.orders-eu.>\"}}",
        "\"$JS.API.STREAM.CREATE.AETHER_orders\"", "\"$KV.aether-cluster-eu-workers.>\"");
    check(conf);
  }

  @Test
  void sharedAccountConfigurationPassesTheServersCheck() throws Exception {
    NamespaceAccount eu = NamespaceAccount.builder(Namespace.of("orders-eu"))
        .user("orders-eu-app", "eu-secret", Role.APPLICATION).build();
    String conf = ServerConfiguration.builder().mode(ServerConfiguration.Mode.SHARED_ACCOUNT)
        .account(orders()).account(eu).build().render();
    assertThat(conf).contains("\"AETHER\": {", "orders-eu-app", "orders-admin");
    check(conf);
  }

  @Test
  void applicationRoleCannotChangeWhereDataFlowsAndProvisioningCannotDelete() {
    NamespaceResources r = NamespaceResources.of(Namespace.of("orders"));
    assertThat(Role.APPLICATION.publishAllow(r))
        .contains("aether.ev.orders.>", "$JS.API.DIRECT.GET.AETHER_orders.>",
            "$JS.API.STREAM.MSG.GET.AETHERSNAP_orders", "$KV.aether-cluster-orders.>",
            "_INBOX_orders.>")
        .noneMatch(s -> s.contains("STREAM.CREATE") || s.contains("STREAM.UPDATE")
            || s.contains("STREAM.DELETE") || s.contains("PURGE") || s.contains("STREAM.NAMES")
            || s.contains("STREAM.LIST") || s.equals(">") || s.contains("*"));
    assertThat(Role.PROVISIONING.publishAllow(r))
        .contains("$JS.API.STREAM.CREATE.AETHER_orders", "$JS.API.STREAM.UPDATE.KV_aether-cluster-orders")
        .noneMatch(s -> s.contains("DELETE") || s.contains("PURGE") || s.startsWith("aether."));
    for (Role role : Role.values()) {
      assertThat(role.publishAllow(r)).noneMatch(s -> s.contains("orders-") || s.contains("_INBOX."));
    }
  }

  @Test
  void badNamesAreRejectedBeforeAnythingIsWritten() {
    assertThatThrownBy(() -> NamespaceAccount.builder(Namespace.of("orders"))
        .user("bad user", "x", Role.APPLICATION))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'bad user'");
    assertThatThrownBy(() -> NamespaceAccount.builder(Namespace.of("orders"))
        .user("u", "a\"b", Role.APPLICATION))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("password of user 'u'");
    assertThatThrownBy(() -> NamespaceResources.of(Namespace.of("orders"), "Bad.Cluster"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Bad.Cluster'");
    assertThatThrownBy(() -> NamespaceAccount.builder(Namespace.of("orders")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no user");
    NamespaceAccount clash = NamespaceAccount.builder(Namespace.of("billing"))
        .user("orders-app", "x", Role.APPLICATION).build();
    assertThatThrownBy(() -> ServerConfiguration.builder().account(orders()).account(clash))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("user 'orders-app' of namespace billing");
    assertThatThrownBy(() -> ServerConfiguration.builder().account(ordersEu()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exports its events to orders, which is not in the configuration");
    assertThatThrownBy(() -> ServerConfiguration.builder()
        .mode(ServerConfiguration.Mode.SHARED_ACCOUNT).account(orders()).account(ordersEu())
        .build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("account per namespace");
  }

  @Test
  void nscCommandsCreateOneAccountPerNamespaceWithLimitsUsersAndExports() {
    String script = NscCommands.render(
        ServerConfiguration.builder().account(orders()).account(ordersEu()).build());
    assertThat(script).contains(
        "nsc add account --name 'orders'\n",
        "nsc edit account --name 'orders' --js-disk-storage 1073741824 --js-mem-storage 67108864"
            + " --js-streams 10 --js-consumer 100\n",
        "nsc add user --account 'orders' --name 'orders-app' --allow-pub '$JS.API.INFO,",
        "nsc add export --account 'orders-eu' --subject 'aether.bus.orders-eu.>' --private\n",
        "nsc add import --account 'orders' --token 'orders-eu-to-orders.jwt'\n");
    assertThat(script.lines().filter(l -> l.startsWith("nsc add user --account 'orders' --name"
        + " 'orders-app'"))).singleElement().asString().contains("aether.bus.orders-eu.>");
    assertThat(script).doesNotContain("STREAM.DELETE", "PURGE");
  }

  private void check(String conf) throws IOException, InterruptedException {
    Path file = dir.resolve("nats.conf");
    Files.writeString(file, conf, StandardCharsets.UTF_8);
    Process p = new ProcessBuilder(natsServer(), "-t", "-c", file.toString())
        .redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("nats-server -t said: %s\n%s", output, conf).isZero();
  }

  static String natsServer() {
    String path = System.getenv("nats_server_path");
    if (path == null || path.isBlank()) {
      path = System.getenv("aether_nats_server_default");
    }
    assertThat(path).as("nats-server binary ($nats_server_path or $aether_nats_server_default)")
        .isNotBlank();
    return path;
  }
}
