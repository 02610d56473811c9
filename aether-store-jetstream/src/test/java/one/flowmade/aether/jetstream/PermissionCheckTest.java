package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.lang.reflect.Proxy;
import one.flowmade.aether.PermissionDeniedException;
import org.junit.jupiter.api.Test;

final class PermissionCheckTest {

  private static Connection lastError(String error) {
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, (proxy, method, args) -> {
          if (method.getName().equals("getLastError")) {
            return error;
          }
          throw new UnsupportedOperationException(method.getName());
        });
  }

  @Test
  void violationOfTheSubjectUsed_isAPermissionDenial() {
    Connection nc = lastError("Permissions Violation for Publish to \"aether.ev.ns.a.T\"");

    assertThat(PermissionCheck.refused(nc, "append", "aether.ev.ns.a.T")).get()
        .extracting(PermissionDeniedException::subject).isEqualTo("aether.ev.ns.a.T");
  }

  @Test
  void violationOfAnotherSubject_isNot() {
    Connection nc = lastError("Permissions Violation for Publish to \"aether.ev.ns.a.T2\"");

    assertThat(PermissionCheck.refused(nc, "append", "aether.ev.ns.a.T")).isEmpty();
  }

  @Test
  void otherErrorsAndNoError_areNot() {
    assertThat(PermissionCheck.refused(lastError(null), "append", "x")).isEmpty();
    assertThat(PermissionCheck.refused(lastError("Permissions Violation for Subscription to"
        + " \"x\""), "append", "x")).isEmpty();
    assertThat(PermissionCheck.refused(lastError("Maximum Payload Violation"), "append", "x"))
        .isEmpty();
  }
}
