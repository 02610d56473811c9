package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Position;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The NATS permissions that docs/jetstream-store.md lists for a namespace are enough for
 * everything the stores do, and another namespace is out of reach with them: the store says that
 * the user lacks permission instead of reporting a timeout.
 */
final class PermissionsIT {

  private static final List<String> PUBLISH = List.of(
      "aether.ev.perm.>",
      "aether.snap.perm.>",
      "$JS.API.STREAM.INFO.AETHER_perm",
      "$JS.API.STREAM.INFO.AETHERSNAP_perm",
      "$JS.API.STREAM.CREATE.AETHER_perm",
      "$JS.API.STREAM.CREATE.AETHERSNAP_perm",
      "$JS.API.STREAM.UPDATE.AETHER_perm",
      "$JS.API.STREAM.MSG.GET.AETHER_perm",
      "$JS.API.STREAM.MSG.GET.AETHERSNAP_perm",
      "$JS.API.DIRECT.GET.AETHER_perm",
      "$JS.API.CONSUMER.CREATE.AETHER_perm.>",
      "$JS.API.CONSUMER.INFO.AETHER_perm.>",
      "$JS.API.CONSUMER.DELETE.AETHER_perm.>",
      "$JS.API.CONSUMER.MSG.NEXT.AETHER_perm.>",
      "$JS.ACK.AETHER_perm.>");

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode(NatsServer.builder()
      .config("authorization {\n  users = [\n"
          + "    { user: admin, password: admin }\n"
          + "    { user: app, password: app, permissions: {\n"
          + "        publish: { allow: [" + PUBLISH.stream().map(s -> "\"" + s + "\"")
              .collect(Collectors.joining(", ")) + "] }\n"
          + "        subscribe: { allow: [\"_INBOX.>\"] } } }\n"
          + "  ]\n}\n"
          + "no_auth_user: admin\n"));

  @Test
  void theDocumentedPermissions_sufficeForEveryOperation() throws Exception {
    try (Connection app = Nats.connect(NATS.server().connectionOptions()
            .userInfo("app", "app").build());
        JetStreamEventStore events = JetStreamEventStore.builder(app, Namespace.of("perm"))
            .retryBudget(RetryBudget.defaults().withTimeLimit(Duration.ofSeconds(5))).build();
        JetStreamSnapshotStore snapshots = JetStreamSnapshotStore.builder(app,
            Namespace.of("perm")).build()) {
      events.append("a", ExpectedVersion.noStream(), NewEvent.of("T", Payload.json("{}")));
      events.append("a", ExpectedVersion.any(), List.of(NewEvent.of("T", Payload.json("{}")),
          NewEvent.of("U", Payload.json("{}"))));
      assertThat(events.latestVersion("a")).isEqualTo(3);
      assertThat(events.read("a", 2).events()).hasSize(2);
      assertThat(events.readAll(Position.beginning(), 100).events()).hasSize(3);
      for (int i = 0; i < 40; i++) {
        events.append("b", ExpectedVersion.exactly(i), NewEvent.of("T", Payload.json("{}")));
      }
      assertThat(events.read("b", 1).events()).hasSize(40);
      List<Event> seen = Collections.synchronizedList(new ArrayList<>());
      try (EventSubscription live = events.subscribe(SubscriptionOptions.fromBeginning(), seen::add);
          EventSubscription durable = events.subscribe(SubscriptionOptions.builder()
              .durable("perm").eventTypes("U").build(), seen::add)) {
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 44);
        assertThat(live.isActive()).isTrue();
        assertThat(durable.isActive()).isTrue();
      }
      try (EventSubscription again = events.subscribe(SubscriptionOptions.builder()
          .durable("perm").eventTypes("U").build(), seen::add)) {
        assertThat(again.awaitLive(Duration.ofSeconds(10))).isTrue();
      }
      assertThat(snapshots.save(new Snapshot("a", 3, 3, Instant.now(), Payload.json("{}"))))
          .isTrue();
      assertThat(snapshots.load("a")).isPresent();

      assertThatThrownBy(() -> JetStreamEventStore.builder(app, Namespace.of("other"))
          .retryBudget(RetryBudget.none()).requestTimeout(Duration.ofMillis(500)).build())
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("$JS.API.STREAM.INFO.AETHER_other");
    }
  }
}
