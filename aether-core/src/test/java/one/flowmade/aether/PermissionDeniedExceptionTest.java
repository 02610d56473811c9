package one.flowmade.aether;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class PermissionDeniedExceptionTest {

  @Test
  void violationOfTheSubjectUsed_isAPermissionDenialNamingIt() {
    assertThat(PermissionDeniedException.fromServerError(
        "Permissions Violation for Publish to \"aether.ev.ns.a.T\"", "append", "aether.ev.ns.a.T"))
        .get()
        .satisfies(e -> {
          assertThat(e.subject()).isEqualTo("aether.ev.ns.a.T");
          assertThat(e.getMessage()).contains("cannot append").contains("aether.ev.ns.a.T");
          assertThat(e.isTransient()).isFalse();
        });
  }

  @Test
  void violationOfAnotherSubject_isNot() {
    assertThat(PermissionDeniedException.fromServerError(
        "Permissions Violation for Publish to \"aether.ev.ns.a.T2\"", "append", "aether.ev.ns.a.T"))
        .isEmpty();
  }

  @Test
  void otherErrorsAndNoError_areNot() {
    assertThat(PermissionDeniedException.fromServerError(null, "append", "x")).isEmpty();
    assertThat(PermissionDeniedException.fromServerError(
        "Permissions Violation for Subscription to \"x\"", "append", "x")).isEmpty();
    assertThat(PermissionDeniedException.fromServerError("Maximum Payload Violation", "append",
        "x")).isEmpty();
  }
}
