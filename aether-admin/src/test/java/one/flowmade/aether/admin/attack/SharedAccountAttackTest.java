package one.flowmade.aether.admin.attack;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Options;
import one.flowmade.aether.admin.ServerConfiguration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Mode (b), one shared account: the attacker is {@code orders}'s generated application user; the
 * streams were made by an administrator. Every vector must be refused and have no effect, except
 * the two push-consumer vectors, which this mode cannot prevent: their tests assert what
 * {@code docs/security.md} states (the attacker's messages reach {@code orders-eu}), so a server
 * that starts refusing them makes the tests fail and the page is corrected.
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

  /**
   * Documented limit: a consumer's deliver subject is in the request body, which subject
   * permissions do not see, and the server delivers with the account's rights. Once orders-eu's
   * own user subscribes on the deliver subject, it receives the attacker's messages and
   * orders-eu's stream stores them as its events.
   */
  @Test
  @DisplayName("write: push consumer on its own stream delivers into the other's event subjects")
  void pushConsumerDeliveringIntoOthersEvents_isNotPreventedInSharedMode_documented()
      throws Exception {
    Pushed pushed = pushConsumerInto("aether.ev.orders-eu.pushed", true);

    assertThat(pushed.created()).as("the application user creates the push consumer").isTrue();
    assertThat(pushed.victimReceived()).as("orders-eu's listener receives the forged message")
        .contains("forged");
    assertThat(pushed.victimStored()).as("orders-eu's stream stores it as its event")
        .contains("forged");
  }

  /** Documented limit, as above, into the bus subjects (which no stream stores). */
  @Test
  @DisplayName("write: push consumer on its own stream delivers into the other's bus subjects")
  void pushConsumerDeliveringIntoOthersBus_isNotPreventedInSharedMode_documented()
      throws Exception {
    Pushed pushed = pushConsumerInto("aether.bus.orders-eu.pushed", true);

    assertThat(pushed.created()).as("the application user creates the push consumer").isTrue();
    assertThat(pushed.victimReceived()).as("orders-eu's bus listener receives the forged message")
        .contains("forged");
    assertThat(pushed.victimStored()).as("the bus subjects are not stored").isEmpty();
  }
}
