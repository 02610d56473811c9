package one.flowmade.aether.admin.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.admin.NamespaceAccount;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.Role;
import one.flowmade.aether.admin.ServerConfiguration;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.nats.NatsEventBus;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Rotating an application user's credentials in configuration mode, as {@code docs/security.md}
 * (Rotating a user's credentials) describes, on a real nats-server started with the
 * configuration {@link ServerConfiguration} generated: add a second application user, reload the
 * server (SIGHUP to its process, what {@code nats-server --signal reload} sends), move the
 * application to the new user, remove the old one and reload again. The new credentials work
 * from the first reload on; connections of the old user keep working through it; Aether's
 * components on the new user keep working through the second reload; the old user's
 * connections are closed by it and its credentials are refused from then on.
 */
final class CredentialRotationIT {

  private static final Namespace ORDERS = Namespace.of("orders");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  /** The configuration with the given application users (name, password) and the admin. */
  private static String accounts(String... appUsers) {
    NamespaceAccount.Builder account = NamespaceAccount.builder(ORDERS)
        .user("orders-admin", "admin-secret", Role.PROVISIONING);
    for (int i = 0; i < appUsers.length; i += 2) {
      account.user(appUsers[i], appUsers[i + 1], Role.APPLICATION);
    }
    String conf = ServerConfiguration.builder().account(account.build()).build().render();
    return conf.substring(conf.indexOf("accounts {"));
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  private static Options.Builder options(NatsServer server, String user, String password) {
    return Options.builder().server(server.url()).userInfo(user, password)
        .inboxPrefix(NamespaceResources.of(ORDERS).inboxPrefix())
        .connectionTimeout(Duration.ofSeconds(2)).maxReconnects(-1)
        .reconnectWait(Duration.ofMillis(100));
  }

  private Connection connect(NatsServer server, String user, String password) throws Exception {
    Connection connection = Nats.connect(options(server, user, password).build());
    resources.add(connection::close);
    return connection;
  }

  /** Replaces the accounts in the server's configuration file and reloads it with SIGHUP. */
  private static void reload(NatsServer server, String accounts) throws Exception {
    Path file;
    try (Stream<Path> files = Files.walk(server.directory())) {
      file = files.filter(p -> p.getFileName().toString().equals("nats-server.conf"))
          .findFirst().orElseThrow();
    }
    String conf = Files.readString(file, StandardCharsets.UTF_8);
    String marker = "# Added by the test.\n";
    Files.writeString(file, conf.substring(0, conf.indexOf(marker) + marker.length())
        + accounts.strip() + "\n", StandardCharsets.UTF_8);
    int reloadsBefore = reloads(server);
    long pid = server.pid().orElseThrow();
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(pid)).inheritIO().start();
    assertThat(kill.waitFor()).as("kill -HUP %s", pid).isZero();
    await().atMost(WAIT).until(() -> reloads(server) > reloadsBefore);
  }

  private static int reloads(NatsServer server) {
    String log = server.log();
    int count = 0;
    for (int at = log.indexOf("Reloaded server configuration"); at >= 0;
        at = log.indexOf("Reloaded server configuration", at + 1)) {
      count++;
    }
    return count;
  }

  private static void append(JetStreamEventStore store, String actor) {
    store.append(actor, ExpectedVersion.any(), NewEvent.of("Rotated", Payload.json("{}")));
  }

  @Test
  void rotation_newCredentialsWork_componentsKeepWorking_oldCredentialsAreRefused()
      throws Exception {
    try (NatsServer server = NatsServer.builder().config(accounts("orders-app", "old-secret"))
        .start()) {
      try (Connection admin = connect(server, "orders-admin", "admin-secret")) {
        Provisioning.provision(admin, ORDERS);
      }
      Connection old = connect(server, "orders-app", "old-secret");
      JetStreamEventStore oldStore = closeLater(JetStreamEventStore.builder(old, ORDERS)
          .requestTimeout(Duration.ofSeconds(2)).build());
      append(oldStore, "before-rotation");
      assertThatThrownBy(() -> Nats.connect(options(server, "orders-app-2", "new-secret")
          .maxReconnects(0).build()))
          .as("the new user before it is configured").isInstanceOf(IOException.class);

      // 1-3: a second application user, and a reload; existing connections stay up.
      reload(server, accounts("orders-app", "old-secret", "orders-app-2", "new-secret"));
      append(oldStore, "after-first-reload");
      assertThat(old.getStatus()).isEqualTo(Connection.Status.CONNECTED);

      // 4: the application moves to the new user.
      Connection current = connect(server, "orders-app-2", "new-secret");
      JetStreamEventStore store = closeLater(JetStreamEventStore.builder(current, ORDERS)
          .requestTimeout(Duration.ofSeconds(2)).build());
      NatsEventBus bus = closeLater(NatsEventBus.builder(current).build());
      List<BusEvent> received = new CopyOnWriteArrayList<>();
      bus.subscribe(ORDERS, received::add);
      append(store, "on-new-user");
      assertThat(store.read("before-rotation", 1).events()).hasSize(1);
      await().atMost(WAIT).until(() -> received.size() == 1);

      // 5: the old user is removed, and the server reloaded again.
      reload(server, accounts("orders-app-2", "new-secret"));
      await().atMost(WAIT).untilAsserted(() -> assertThat(old.getStatus())
          .as("the old user's connection").isNotEqualTo(Connection.Status.CONNECTED));
      assertThatThrownBy(() -> Nats.connect(options(server, "orders-app", "old-secret")
          .maxReconnects(0).build()))
          .as("the old credentials after removal").isInstanceOf(IOException.class);

      append(store, "after-second-reload");
      await().atMost(WAIT).until(() -> received.size() == 2);
      assertThat(current.getStatus()).isEqualTo(Connection.Status.CONNECTED);
      assertThat(store.lastPosition()).isEqualTo(4);
      assertThat(received).extracting(BusEvent::actorId)
          .containsExactly("on-new-user", "after-second-reload");
      assertThat(old.getStatus()).as("the old user never gets back in")
          .isNotEqualTo(Connection.Status.CONNECTED);
    }
  }
}
