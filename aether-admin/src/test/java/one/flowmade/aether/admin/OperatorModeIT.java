package one.flowmade.aether.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.NKey;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.AccountLimits;
import io.nats.client.support.JwtUtils;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Operator (JWT) mode on a real nats-server, with the accounts, JetStream limits, users and
 * permissions that {@link NscCommands} turns into {@code nsc} commands, issued here as signed
 * account and user JWTs ({@code nsc} is not on this machine; its commands write the same claims).
 * The server runs with a full account resolver, to which an updated account JWT is pushed as
 * {@code nsc push} does ({@code $SYS.REQ.CLAIMS.UPDATE} as the system account).
 *
 * <p>Checks what {@code docs/security.md} says of operator mode: the provisioning user
 * provisions with {@link Provisioner}; Aether's store runs as the application user; the other
 * namespace's account sees none of it; the account's JetStream limits are the configuration's;
 * and rotating a user (a second user, then {@code nsc revocations add-user} for the first and a
 * push) closes the old user's connections and refuses its credentials while the new user's keep
 * working. Servers and clients run with {@link NscCommands#CONTROL_LINE}: with the defaults the
 * application user cannot connect (found by this test).
 */
final class OperatorModeIT {

  private static final Namespace ORDERS = Namespace.of("orders");
  private static final Namespace ORDERS_EU = Namespace.of("orders-eu");
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final int CONTROL_LINE = NscCommands.CONTROL_LINE;

  private final NKey operator = key(NKey.Type.OPERATOR);
  private final NKey system = key(NKey.Type.ACCOUNT);
  private final NKey systemUser = key(NKey.Type.USER);
  private final Map<String, NKey> accountKeys = new LinkedHashMap<>();
  private final Map<String, NKey> userKeys = new LinkedHashMap<>();
  /** Each user's JWT, issued once, as nsc does: a revocation applies to JWTs issued before it. */
  private final Map<String, String> userJwts = new LinkedHashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
  private ServerConfiguration configuration;
  private NatsServer server;
  private Path resolverDir;

  private static NKey key(NKey.Type type) {
    try {
      return switch (type) {
        case OPERATOR -> NKey.createOperator(null);
        case ACCOUNT -> NKey.createAccount(null);
        case USER -> NKey.createUser(null);
        default -> throw new IllegalArgumentException(type.toString());
      };
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String pub(NKey key) {
    try {
      return new String(key.getPublicKey());
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A JWT as nsc writes one: header, claims (jti, iat, iss = the signer, name, sub, nats) and the
   * signer's ed25519 signature, base64url without padding. (jnats' JwtUtils.issueJWT leaves
   * {@code iss} out, which nats-server refuses for operator and account claims.)
   */
  private static String jwt(NKey signer, String subject, String name, String nats)
      throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String header = b64.encodeToString("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}"
        .getBytes(StandardCharsets.UTF_8));
    String claims = "{\"jti\":\"" + UUID.randomUUID() + "\",\"iat\":"
        + JwtUtils.currentTimeSeconds() + ",\"iss\":\"" + pub(signer) + "\",\"name\":"
        + Json.string(name) + ",\"sub\":\"" + subject + "\",\"nats\":" + nats + "}";
    String body = header + "." + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
    return body + "." + b64.encodeToString(signer.sign(body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String array(List<String> values) {
    return Json.array(values);
  }

  /** The account JWT of a namespace: JetStream limits of its {@link NamespaceAccount}. */
  private String accountJwt(NamespaceAccount a, Map<String, Long> revocations) throws Exception {
    StringBuilder revoked = new StringBuilder();
    revocations.forEach((user, at) -> revoked.append(revoked.length() == 0 ? "" : ",")
        .append('"').append(user).append("\":").append(at));
    String nats = "{\"type\":\"account\",\"version\":2,\"limits\":{\"subs\":-1,\"data\":-1,"
        + "\"payload\":-1,\"imports\":-1,\"exports\":-1,\"wildcards\":true,\"conn\":-1,"
        + "\"leaf\":-1,\"mem_storage\":" + a.maxMemory() + ",\"disk_storage\":" + a.maxStorage()
        + ",\"streams\":" + a.maxStreams() + ",\"consumer\":" + a.maxConsumers() + "},"
        + "\"revocations\":{" + revoked + "}}";
    return jwt(operator, pub(accountKeys.get(a.accountName())), a.accountName(), nats);
  }

  /** A user's JWT with the permissions the nsc commands give it. */
  private String issueUserJwt(NamespaceAccount a, NamespaceAccount.User u) throws Exception {
    List<String> pub = u.role().publishAllow(a.resources());
    List<String> sub = ServerConfiguration.subscribeAllow(a, u, configuration.imports(a));
    String nats = "{\"type\":\"user\",\"version\":2,\"pub\":{\"allow\":" + array(pub) + "},"
        + "\"sub\":{\"allow\":" + array(sub) + "},\"subs\":-1,\"data\":-1,\"payload\":-1}";
    return jwt(accountKeys.get(a.accountName()), pub(userKeys.get(u.name())), u.name(), nats);
  }

  private NamespaceAccount account(Namespace ns) {
    return configuration.accounts().stream().filter(a -> a.accountName().equals(ns.name()))
        .findFirst().orElseThrow();
  }

  @BeforeEach
  void start() throws Exception {
    configuration = ServerConfiguration.builder()
        .account(NamespaceAccount.builder(ORDERS).maxStreams(5).maxConsumers(50)
            .maxStorage(64L << 20).maxMemory(8L << 20)
            .user("orders-admin", "unused", Role.PROVISIONING)
            .user("orders-app", "unused", Role.APPLICATION)
            .user("orders-app-2", "unused", Role.APPLICATION).build())
        .account(NamespaceAccount.builder(ORDERS_EU)
            .user("orders-eu-admin", "unused", Role.PROVISIONING)
            .user("orders-eu-app", "unused", Role.APPLICATION).build())
        .build();
    for (NamespaceAccount a : configuration.accounts()) {
      accountKeys.put(a.accountName(), key(NKey.Type.ACCOUNT));
      for (NamespaceAccount.User u : a.users()) {
        userKeys.put(u.name(), key(NKey.Type.USER));
        userJwts.put(u.name(), issueUserJwt(a, u));
      }
    }
    String operatorJwt = jwt(operator, pub(operator), "aether-test",
        "{\"type\":\"operator\",\"version\":2,\"system_account\":\"" + pub(system) + "\"}");
    String systemJwt = jwt(operator, pub(system), "SYS", "{\"type\":\"account\",\"version\":2,"
        + "\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
        + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1}}");
    StringBuilder preload = new StringBuilder("  ").append(pub(system)).append(": \"")
        .append(systemJwt).append("\"\n");
    for (NamespaceAccount a : configuration.accounts()) {
      preload.append("  ").append(pub(accountKeys.get(a.accountName()))).append(": \"")
          .append(accountJwt(a, Map.of())).append("\"\n");
    }
    resolverDir = Files.createTempDirectory("aether-operator-jwt");
    server = NatsServer.builder().config("operator: \"" + operatorJwt + "\"\n"
        + "system_account: " + pub(system) + "\n"
        + "max_control_line: " + CONTROL_LINE + "\n"
        + "resolver: { type: full, dir: \"" + resolverDir + "\", allow_delete: false,"
        + " interval: \"2m\" }\n"
        + "resolver_preload: {\n" + preload + "}\n").start();
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    if (server != null) {
      server.close();
    }
    if (resolverDir != null) {
      try (Stream<Path> files = Files.walk(resolverDir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private Options.Builder options(String userName, NKey key, String userJwt, Namespace ns) {
    return Options.builder().server(server.url())
        .authHandler(Nats.staticCredentials(userJwt.toCharArray(), key.getSeed()))
        .inboxPrefix(NamespaceResources.of(ns).inboxPrefix())
        // the application user's JWT carries its whole allow list: see NscCommands.CONTROL_LINE
        .maxControlLine(CONTROL_LINE)
        .connectionName(userName).connectionTimeout(Duration.ofSeconds(2))
        .errorListener(new ErrorListener() {
          @Override
          public void errorOccurred(Connection conn, String error) {
            errors.add(userName + ": " + error);
          }

          @Override
          public void exceptionOccurred(Connection conn, Exception exp) {
            errors.add(userName + ": " + exp + " caused by " + exp.getCause());
          }
        })
        .reconnectWait(Duration.ofMillis(100));
  }

  private Options.Builder options(String userName, Namespace ns) {
    return options(userName, userKeys.get(userName), userJwts.get(userName), ns);
  }

  /** Connects, or fails naming what the server logged about it. */
  private Connection connect(Options options) throws IOException, InterruptedException {
    try {
      return Nats.connect(options);
    } catch (IOException e) {
      String log = server.log();
      throw new IOException(e.getMessage() + "; the client saw " + errors
          + "; the server's log ends with: "
          + log.substring(Math.max(0, log.length() - 1500)), e);
    }
  }

  private Connection connect(Namespace ns, String userName) throws Exception {
    Connection c = connect(options(userName, ns).maxReconnects(-1).build());
    resources.add(c::close);
    return c;
  }

  private void provision(Namespace ns) throws Exception {
    try (Connection admin = connect(options(ns.name() + "-admin", ns).build())) {
      Provisioner.builder(admin, NamespaceResources.of(ns)).build().apply();
    }
  }

  private JetStreamEventStore store(Connection c, Namespace ns) {
    JetStreamEventStore store = JetStreamEventStore.builder(c, ns)
        .requestTimeout(Duration.ofSeconds(2)).build();
    resources.add(store);
    return store;
  }

  private static void append(JetStreamEventStore store, String actor) {
    store.append(actor, ExpectedVersion.any(), NewEvent.of("Placed", Payload.json("{}")));
  }

  @Test
  void provisionedNamespace_runsAsTheApplicationUser_andTheOtherAccountSeesNothing()
      throws Exception {
    provision(ORDERS);
    provision(ORDERS_EU);
    JetStreamEventStore orders = store(connect(ORDERS, "orders-app"), ORDERS);
    append(orders, "o-1");
    append(orders, "o-1");
    assertThat(orders.read("o-1", 1).events()).hasSize(2);

    Connection eu = connect(ORDERS_EU, "orders-eu-app");
    JetStreamEventStore euStore = store(eu, ORDERS_EU);
    assertThat(euStore.lastPosition()).as("orders-eu's own stream").isZero();
    // orders' subjects carry nothing into orders-eu's account
    List<Message> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    eu.createDispatcher(seen::add).subscribe("aether.ev.orders-eu.>");
    append(orders, "o-2");
    assertThat(orders.lastPosition()).isEqualTo(3);
    eu.flush(Duration.ofSeconds(2));
    assertThat(seen).as("orders' appends in orders-eu's account").isEmpty();
  }

  @Test
  void theAccountsJetStreamLimits_areTheConfigurations_andTheApplicationUserChangesNoStream()
      throws Exception {
    provision(ORDERS);
    Connection app = connect(ORDERS, "orders-app");
    AccountLimits limits = app.jetStreamManagement().getAccountStatistics().getLimits();
    assertThat(limits.getMaxStreams()).isEqualTo(5);
    assertThat(limits.getMaxConsumers()).isEqualTo(50);
    assertThat(limits.getMaxStorage()).isEqualTo(64L << 20);
    assertThat(limits.getMaxMemory()).isEqualTo(8L << 20);
    assertThat(app.jetStreamManagement().getAccountStatistics().getStreams())
        .as("events, snapshots, cluster and checkpoint buckets").isEqualTo(4);
    assertThatThrownBy(() -> app.jetStreamManagement(JetStreamOptions.builder()
        .requestTimeout(Duration.ofSeconds(1)).build()).deleteStream("AETHER_orders"))
        .as("the application role deletes no stream").isInstanceOf(Exception.class);
    assertThat(app.jetStreamManagement().getStreamInfo("AETHER_orders").getConfiguration()
        .getName()).isEqualTo("AETHER_orders");
  }

  @Test
  void revokingTheOldUser_closesItsConnections_andTheNewUserKeepsWorking() throws Exception {
    provision(ORDERS);
    Connection old = connect(ORDERS, "orders-app");
    JetStreamEventStore oldStore = store(old, ORDERS);
    append(oldStore, "before-rotation");

    Connection current = connect(ORDERS, "orders-app-2");
    JetStreamEventStore store = store(current, ORDERS);
    append(store, "on-new-user");

    // nsc revocations add-user --account orders --name orders-app; nsc push --account orders
    NamespaceAccount orders = account(ORDERS);
    String revoked = accountJwt(orders,
        Map.of(pub(userKeys.get("orders-app")), JwtUtils.currentTimeSeconds()));
    String systemUserJwt = jwt(system, pub(systemUser), "sys", "{\"type\":\"user\","
        + "\"version\":2,\"subs\":-1,\"data\":-1,\"payload\":-1}");
    try (Connection sys = Nats.connect(Options.builder().server(server.url())
        .authHandler(Nats.staticCredentials(systemUserJwt.toCharArray(), systemUser.getSeed()))
        .build())) {
      Message reply = sys.request("$SYS.REQ.CLAIMS.UPDATE",
          revoked.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(5));
      assertThat(new String(reply.getData(), StandardCharsets.UTF_8)).contains("\"code\":200");
    }

    await().atMost(WAIT).untilAsserted(() -> assertThat(old.getStatus())
        .as("the revoked user's connection").isNotEqualTo(Connection.Status.CONNECTED));
    assertThatThrownBy(() -> Nats.connect(options("orders-app", ORDERS).maxReconnects(0)
        .build()))
        .as("the revoked credentials").isInstanceOf(IOException.class);

    append(store, "after-revocation");
    assertThat(current.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    assertThat(store.read("before-rotation", 1).events()).hasSize(1);
    assertThat(store.lastPosition()).isEqualTo(3);
  }
}
