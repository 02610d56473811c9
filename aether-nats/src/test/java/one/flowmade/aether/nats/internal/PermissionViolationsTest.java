package one.flowmade.aether.nats.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class PermissionViolationsTest {

  @Test
  void violationOfTheSubjectUsed_isAPermissionDenialNamingIt() {
    assertThat(PermissionViolations.fromServerError(
        "Permissions Violation for Publish to \"aether.ev.ns.a.T\"", "append", "aether.ev.ns.a.T"))
        .get()
        .satisfies(e -> {
          assertThat(e.subject()).isEqualTo("aether.ev.ns.a.T");
          assertThat(e.getMessage()).contains("cannot append").contains("aether.ev.ns.a.T");
          assertThat(e.isTransient()).isFalse();
        });
  }

  @Test
  void refusedStreamCreateOrUpdate_saysTheProvisioningRoleIsNeeded() {
    String create = "$JS.API.STREAM.CREATE.AETHER_orders";
    assertThat(PermissionViolations.fromServerError("Permissions Violation for Publish to \""
        + create + "\"", "create or adopt stream 'AETHER_orders'", create)).get()
        .satisfies(e -> assertThat(e.getMessage()).contains("'AETHER_orders' does not exist",
            "PROVISIONING role", "Provisioner.apply() for namespace 'orders'"));
    String update = "$JS.API.STREAM.UPDATE.KV_aether-cluster-orders";
    assertThat(PermissionViolations.fromServerError("Permissions Violation for Publish to \""
        + update + "\"", "open the cluster bucket", update)).get()
        .satisfies(e -> assertThat(e.getMessage()).contains("needs a change",
            "PROVISIONING role", "Provisioner.plan() for namespace 'orders'"));
  }

  @Test
  void violationOfAnotherSubject_isNot() {
    assertThat(PermissionViolations.fromServerError(
        "Permissions Violation for Publish to \"aether.ev.ns.a.T2\"", "append", "aether.ev.ns.a.T"))
        .isEmpty();
  }

  @Test
  void otherErrorsAndNoError_areNot() {
    assertThat(PermissionViolations.fromServerError(null, "append", "x")).isEmpty();
    assertThat(PermissionViolations.fromServerError(
        "Permissions Violation for Subscription to \"x\"", "append", "x")).isEmpty();
    assertThat(PermissionViolations.fromServerError("Maximum Payload Violation", "append",
        "x")).isEmpty();
  }
}
