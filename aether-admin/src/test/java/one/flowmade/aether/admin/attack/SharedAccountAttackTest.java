package one.flowmade.aether.admin.attack;

import io.nats.client.Options;
import one.flowmade.aether.admin.ServerConfiguration;

/**
 * Mode (b), one shared account: the attacker is {@code orders}'s generated application user; the
 * streams were made by an administrator. Every vector must be refused and have no effect.
 */
class SharedAccountAttackTest extends IsolationAttacks {

  @Override
  String accounts() {
    return Configs.withRootUser(Configs.accountsBlock(ServerConfiguration.builder()
        .mode(ServerConfiguration.Mode.SHARED_ACCOUNT)
        .account(Configs.orders()).account(Configs.ordersEu(false)).build()),
        "AETHER", "shared-root");
  }

  @Override
  Options.Builder attackerOptions(Options.Builder b) {
    return b.userInfo("orders-app", "app-secret").inboxPrefix("_INBOX_orders");
  }

  @Override
  Options.Builder attackerAdminOptions(Options.Builder b) {
    return b.userInfo("shared-root", "root");
  }

  @Override
  Options.Builder victimAdminOptions(Options.Builder b) {
    return b.userInfo("shared-root", "root");
  }

  @Override
  boolean mustBeRefused() {
    return true;
  }
}
