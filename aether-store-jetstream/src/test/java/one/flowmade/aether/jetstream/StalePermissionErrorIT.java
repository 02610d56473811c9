package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/**
 * NATS reports a permission violation to the connection, not to the request, and jnats keeps the
 * last one for ever: a violation from earlier must not turn a later unanswered append into a
 * {@link PermissionDeniedException}, which would report as refused an append whose outcome is
 * in fact unknown.
 */
final class StalePermissionErrorIT {

  private static final Namespace NAMESPACE = Namespace.of("stale");
  private static final String DENIED = SubjectLayout.eventSubject(NAMESPACE, "a", "T");

  @Test
  void aViolationReportedBeforeAnAppend_doesNotTurnItsTimeoutIntoPermissionDenied()
      throws Exception {
    try (NatsServer nats = NatsServer.builder().config(config(true)).start();
        Connection app = Nats.connect(nats.connectionOptions().userInfo("app", "app").build());
        JetStreamEventStore store = JetStreamEventStore.builder(app, NAMESPACE)
            .retryBudget(RetryBudget.none()).requestTimeout(Duration.ofMillis(500)).build()) {
      // Refused for real: the violation names the subject the append used, right after it.
      assertThatThrownBy(() -> store.append("a", ExpectedVersion.any(),
          NewEvent.of("T", Payload.json("{}"))))
          .isInstanceOf(PermissionDeniedException.class);
      assertThat(app.getLastError()).contains(DENIED);

      // The operator grants the subject; jnats still holds the old violation as its last error.
      Path conf = nats.directory().resolve(nats.name()).resolve("nats-server.conf");
      Files.writeString(conf, Files.readString(conf, StandardCharsets.UTF_8)
          .replace(denyBlock(), ""), StandardCharsets.UTF_8);
      long pid = nats.pid().orElseThrow();
      Process reload = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).start();
      assertThat(reload.waitFor(10, TimeUnit.SECONDS)).isTrue();
      await().atMost(Duration.ofSeconds(10)).until(() -> nats.log().contains("Reloaded"));
      assertThat(app.getLastError()).contains(DENIED);

      // Now the append goes unanswered (the server is stopped): its outcome is unknown.
      nats.pause();
      try {
        assertThatThrownBy(() -> store.append("a", ExpectedVersion.any(),
            NewEvent.of("T", Payload.json("{}"))))
            .isInstanceOf(AppendOutcomeUnknownException.class);
      } finally {
        nats.resume();
      }
    }
  }

  private static String denyBlock() {
    return ", deny: [\"" + DENIED + "\"]";
  }

  private static String config(boolean deny) {
    List<String> publish = List.of("aether.ev.stale.>", "$JS.API.STREAM.INFO.AETHER_stale",
        "$JS.API.STREAM.CREATE.AETHER_stale", "$JS.API.STREAM.UPDATE.AETHER_stale",
        "$JS.API.STREAM.MSG.GET.AETHER_stale");
    return "authorization {\n  users = [\n"
        + "    { user: admin, password: admin }\n"
        + "    { user: app, password: app, permissions: {\n"
        + "        publish: { allow: [" + publish.stream().map(s -> "\"" + s + "\"")
            .collect(Collectors.joining(", ")) + "]" + (deny ? denyBlock() : "") + " }\n"
        + "        subscribe: { allow: [\"_INBOX.>\"] } } }\n"
        + "  ]\n}\n"
        + "no_auth_user: admin\n";
  }
}
