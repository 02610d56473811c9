package one.flowmade.aether.admin.attack;

import io.nats.client.Options;
import one.flowmade.aether.admin.ServerConfiguration;

/**
 * Mode (a), an account per namespace: the tenant of {@code orders} has every right inside its own
 * account (the worst case). The server may accept its configurations; none may reach {@code
 * orders-eu}.
 */
class AccountPerNamespaceAttackTest extends IsolationAttacks {

  @Override
  String accounts() {
    String accounts = Configs.accountsBlock(ServerConfiguration.builder()
        .account(Configs.orders()).account(Configs.ordersEu(false)).build());
    accounts = Configs.withRootUser(accounts, "orders", "orders-root");
    return Configs.withRootUser(accounts, "orders-eu", "orders-eu-root");
  }

  @Override
  Options.Builder attackerOptions(Options.Builder b) {
    return b.userInfo("orders-root", "root");
  }

  @Override
  Options.Builder attackerAdminOptions(Options.Builder b) {
    return b.userInfo("orders-root", "root");
  }

  @Override
  Options.Builder victimAdminOptions(Options.Builder b) {
    return b.userInfo("orders-eu-root", "root");
  }

  @Override
  boolean mustBeRefused() {
    return false;
  }
}
