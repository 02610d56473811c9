package one.flowmade.aether.admin.attack;

import one.flowmade.aether.Namespace;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;

/** The generated configurations the attack suites run on. */
final class Configs {

  private Configs() {}

  static NamespaceAccount orders() {
    return NamespaceAccount.builder(Namespace.of("orders"))
        .user("orders-app", "app-secret", Role.APPLICATION)
        .user("orders-admin", "admin-secret", Role.PROVISIONING)
        .build();
  }

  static NamespaceAccount ordersEu(boolean readableByOrders) {
    NamespaceAccount.Builder b = NamespaceAccount.builder(Namespace.of("orders-eu"))
        .user("orders-eu-app", "eu-secret", Role.APPLICATION)
        .user("orders-eu-admin", "eu-admin-secret", Role.PROVISIONING);
    if (readableByOrders) {
      b.readableBy(Namespace.of("orders"));
    }
    return b.build();
  }

  /** The {@code accounts} block of a generated configuration (the testkit writes the rest). */
  static String accountsBlock(ServerConfiguration configuration) {
    String conf = configuration.render();
    return conf.substring(conf.indexOf("accounts {"));
  }

  /** Adds a user without permissions (everything in its account) to an account's users. */
  static String withRootUser(String accounts, String account, String user) {
    int at = accounts.indexOf("\"" + account + "\": {");
    int users = accounts.indexOf("users: [\n", at) + "users: [\n".length();
    return accounts.substring(0, users) + "      {user: \"" + user + "\", password: \"root\"}\n"
        + accounts.substring(users);
  }
}
