package one.flowmade.aether.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import one.flowmade.aether.Namespace;
import org.junit.jupiter.api.Test;

/**
 * An application's own bucket declared with {@link NamespaceResources#withBucket}: the
 * application role may use it as it uses the checkpoint bucket, the provisioning role may create
 * and update it, neither may delete or purge it, no other namespace's role reaches it, and names
 * that would alias Aether's buckets or be shared by two namespaces of one account are refused.
 */
final class ApplicationBucketsTest {

  private static final NamespaceResources BANK =
      NamespaceResources.of(Namespace.of("bank")).withBucket("bank-balances");

  @Test
  void theApplicationRole_readsWritesAndWatchesTheBucket_butCannotChangeIt() {
    List<String> pub = Role.APPLICATION.publishAllow(BANK);
    for (String subject : List.of("$KV.bank-balances.alice", "$KV.bank-balances.a.b",
        "$JS.API.STREAM.INFO.KV_bank-balances", "$JS.API.STREAM.MSG.GET.KV_bank-balances",
        "$JS.API.DIRECT.GET.KV_bank-balances", "$JS.API.DIRECT.GET.KV_bank-balances.$KV.x",
        "$JS.API.CONSUMER.CREATE.KV_bank-balances.c1.$KV.bank-balances.>",
        "$JS.API.CONSUMER.MSG.NEXT.KV_bank-balances.c1",
        "$JS.ACK.KV_bank-balances.c1.1.2.3.4.5")) {
      assertThat(RolePermissionsTest.allowed(pub, subject)).as(subject).isTrue();
    }
    for (String subject : List.of("$JS.API.STREAM.CREATE.KV_bank-balances",
        "$JS.API.STREAM.UPDATE.KV_bank-balances", "$JS.API.STREAM.DELETE.KV_bank-balances",
        "$JS.API.STREAM.PURGE.KV_bank-balances", "$KV.bank-balances-2.x",
        "$JS.API.STREAM.INFO.KV_bank-balances-2")) {
      assertThat(RolePermissionsTest.allowed(pub, subject)).as(subject).isFalse();
    }
  }

  @Test
  void theProvisioningRole_createsAndUpdatesTheBucket_butNeverDeletesOrUsesIt() {
    List<String> pub = Role.PROVISIONING.publishAllow(BANK);
    assertThat(RolePermissionsTest.allowed(pub, "$JS.API.STREAM.CREATE.KV_bank-balances"))
        .isTrue();
    assertThat(RolePermissionsTest.allowed(pub, "$JS.API.STREAM.UPDATE.KV_bank-balances"))
        .isTrue();
    for (String subject : List.of("$JS.API.STREAM.DELETE.KV_bank-balances",
        "$JS.API.STREAM.PURGE.KV_bank-balances", "$KV.bank-balances.alice")) {
      assertThat(RolePermissionsTest.allowed(pub, subject)).as(subject).isFalse();
    }
  }

  @Test
  void anotherNamespacesRoles_doNotReachTheBucket() {
    NamespaceResources other = NamespaceResources.of(Namespace.of("bank-eu"));
    for (Role role : Role.values()) {
      List<String> pub = role.publishAllow(other);
      for (String subject : List.of("$KV.bank-balances.alice",
          "$JS.API.STREAM.INFO.KV_bank-balances", "$JS.API.DIRECT.GET.KV_bank-balances",
          "$JS.API.STREAM.CREATE.KV_bank-balances")) {
        assertThat(RolePermissionsTest.allowed(pub, subject)).as(role + " " + subject).isFalse();
      }
    }
  }

  @Test
  void withoutADeclaredBucket_theRolesAreUnchanged() {
    NamespaceResources plain = NamespaceResources.of(Namespace.of("bank"));
    assertThat(BANK.streams()).containsExactly("AETHER_bank", "AETHERSNAP_bank",
        "KV_aether-cluster-bank", "KV_aether-projections-bank", "KV_bank-balances");
    assertThat(plain.applicationBuckets()).isEmpty();
    assertThat(BANK.applicationBuckets()).containsExactly("bank-balances");
    assertThat(BANK).isNotEqualTo(plain);
    for (Role role : Role.values()) {
      assertThat(role.publishAllow(BANK)).containsAll(role.publishAllow(plain));
    }
  }

  @Test
  void bucketNames_thatAreInvalidReservedOrRepeated_areRefused() {
    NamespaceResources bank = NamespaceResources.of(Namespace.of("bank"));
    for (String name : List.of("", "a.b", "a*", "a>", "a b", "x".repeat(65))) {
      assertThatThrownBy(() -> bank.withBucket(name)).as("'%s'", name)
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be");
    }
    assertThatThrownBy(() -> bank.withBucket("aether-cluster-billing"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'aether-'");
    assertThatThrownBy(() -> BANK.withBucket("bank-balances"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already declared");
  }

  @Test
  void inOneSharedAccount_twoNamespacesMayNotDeclareTheSameBucket() {
    NamespaceAccount bank = NamespaceAccount.builder(BANK)
        .user("bank-app", "secret", Role.APPLICATION).build();
    NamespaceAccount other = NamespaceAccount.builder(
        NamespaceResources.of(Namespace.of("shop")).withBucket("bank-balances"))
        .user("shop-app", "secret", Role.APPLICATION).build();
    assertThatThrownBy(() -> ServerConfiguration.builder().mode(ServerConfiguration.Mode
        .SHARED_ACCOUNT).account(bank).account(other).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("both declare bucket 'bank-balances'");
    assertThat(ServerConfiguration.builder().account(bank).account(other).build().render())
        .as("an account per namespace: each has its own")
        .contains("\"$KV.bank-balances.>\"");
  }
}
