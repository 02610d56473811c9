package one.flowmade.aether.admin.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Options;
import one.flowmade.aether.admin.ServerConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

  @Test
  @DisplayName("write: push consumer on its own stream delivers into the other's event subjects")
  void pushConsumerDeliveringIntoOthersEvents_deliversNothingAcrossAccounts() throws Exception {
    Pushed pushed = pushConsumerInto("aether.ev.orders-eu.pushed", false);

    assertThat(pushed.created()).as("created inside its own account").isTrue();
    assertThat(pushed.victimReceived()).as("what orders-eu's listener received").isEmpty();
    assertThat(pushed.victimStored()).as("what orders-eu's stream stored").isEmpty();
  }

  @Test
  @DisplayName("write: push consumer on its own stream delivers into the other's bus subjects")
  void pushConsumerDeliveringIntoOthersBus_deliversNothingAcrossAccounts() throws Exception {
    Pushed pushed = pushConsumerInto("aether.bus.orders-eu.pushed", false);

    assertThat(pushed.created()).as("created inside its own account").isTrue();
    assertThat(pushed.victimReceived()).as("what orders-eu's listener received").isEmpty();
    assertThat(pushed.victimStored()).as("what orders-eu's stream stored").isEmpty();
  }
}
