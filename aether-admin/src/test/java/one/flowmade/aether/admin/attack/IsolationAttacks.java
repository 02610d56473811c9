package one.flowmade.aether.admin.attack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamInfo;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every attack vector of namespace {@code orders} against namespace {@code orders-eu}, for read and
 * for write, on a real nats-server. After each vector: {@code orders-eu}'s event stream and bucket
 * hold exactly what its own users wrote (count, last sequence, content), and nothing the attacker
 * received or stored carries {@code orders-eu}'s data. Subclasses set the mode; in shared-account
 * mode each vector must also be refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class IsolationAttacks {

  static final String VICTIM_STREAM = "AETHER_orders-eu";
  static final String VICTIM_EVENTS = "aether.ev.orders-eu.>";
  static final String VICTIM_BUS = "aether.bus.orders-eu.>";
  static final String VICTIM_BUCKET = "aether-cluster-orders-eu";
  static final String OWN_STREAM = "AETHER_orders";
  static final String OWN_BASE = "\"subjects\":[\"aether.ev.orders.>\"],\"allow_direct\":true";
  static final Duration QUIET = Duration.ofMillis(300);

  NatsServer server;
  /** The attacker: full rights in its own account (a), or the application user (b). */
  Connection attacker;
  /** Full rights where the attacker's streams live, to inspect them. */
  Connection attackerAdmin;
  /** Full rights where orders-eu's streams live: what its own users do and see. */
  Connection victimAdmin;
  final List<Message> received = Collections.synchronizedList(new ArrayList<>());
  final List<String> errors = Collections.synchronizedList(new ArrayList<>());
  final List<Message> victimBus = Collections.synchronizedList(new ArrayList<>());
  Dispatcher attackerDispatcher;
  /** How many events orders-eu's stream holds: what its own users wrote. */
  long victimMessages;
  /**
   * Its last sequence: {@link #victimMessages} plus the sequences of what a documented
   * shared-mode vector forged into it, which that test asserts and then deletes again.
   */
  long victimLastSequence;
  final AtomicInteger names = new AtomicInteger();

  /** The server configuration: the generated accounts plus the setup users. */
  abstract String accounts();

  abstract Options.Builder attackerOptions(Options.Builder b);

  abstract Options.Builder attackerAdminOptions(Options.Builder b);

  abstract Options.Builder victimAdminOptions(Options.Builder b);

  /** Whether every vector must be refused (shared-account mode). */
  abstract boolean mustBeRefused();

  @BeforeAll
  void startServer() throws Exception {
    server = NatsServer.builder().config(accounts()).start();
    attacker = connect(attackerOptions(server.connectionOptions()));
    attackerAdmin = connect(attackerAdminOptions(server.connectionOptions()));
    victimAdmin = connect(victimAdminOptions(server.connectionOptions()));
    attackerDispatcher = attacker.createDispatcher(received::add);
    JetStreamManagement eu = victimAdmin.jetStreamManagement();
    ok(victimAdmin, "$JS.API.STREAM.CREATE." + VICTIM_STREAM, "{\"name\":\"" + VICTIM_STREAM
        + "\",\"subjects\":[\"" + VICTIM_EVENTS + "\"],\"allow_direct\":true,"
        + "\"republish\":{\"src\":\"" + VICTIM_EVENTS + "\",\"dest\":\"aether.bus.orders-eu.>\"}}");
    victimAdmin.createDispatcher(victimBus::add).subscribe(VICTIM_BUS);
    victimAdmin.flush(Duration.ofSeconds(2));
    for (int i = 1; i <= 3; i++) {
      victimWrites("aether.ev.orders-eu.order-" + i, "secret-" + i);
    }
    victimAdmin.keyValueManagement().create(io.nats.client.api.KeyValueConfiguration.builder()
        .name(VICTIM_BUCKET).build());
    victimAdmin.keyValue(VICTIM_BUCKET).put("lease", "secret-lease");
    ok(attackerAdmin, "$JS.API.STREAM.CREATE." + OWN_STREAM,
        "{\"name\":\"" + OWN_STREAM + "\"," + OWN_BASE + "}");
    attackerAdmin.keyValueManagement().create(io.nats.client.api.KeyValueConfiguration.builder()
        .name("aether-cluster-orders").build());
    assertThat(eu.getStreamInfo(VICTIM_STREAM).getStreamState().getMsgCount()).isEqualTo(3);
  }

  @AfterAll
  void stopServer() throws Exception {
    for (Connection c : new Connection[] {attacker, attackerAdmin, victimAdmin}) {
      if (c != null) {
        c.close();
      }
    }
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void clear() {
    received.clear();
    errors.clear();
    victimBus.clear();
  }

  /** Nothing of orders-eu read, nothing written into orders-eu. */
  @AfterEach
  void nothingCrossedTheBoundary() throws Exception {
    JetStreamManagement eu = victimAdmin.jetStreamManagement();
    await().during(QUIET).atMost(QUIET.multipliedBy(4)).untilAsserted(() -> {
      StreamInfo info = eu.getStreamInfo(VICTIM_STREAM);
      assertThat(info.getStreamState().getMsgCount()).as("orders-eu's events")
          .isEqualTo(victimMessages);
      assertThat(info.getStreamState().getLastSequence()).isEqualTo(victimLastSequence);
      assertThat(victimAdmin.keyValue(VICTIM_BUCKET).get("lease").getValueAsString())
          .isEqualTo("secret-lease");
      assertThat(victimAdmin.keyValueManagement().getStatus(VICTIM_BUCKET).getEntryCount())
          .isEqualTo(1);
      assertThat(victimBus).as("orders-eu's bus").allMatch(m -> text(m).startsWith("secret"));
      assertThat(received).as("what the attacker received")
          .noneMatch(m -> text(m).contains("secret"));
    });
    for (long i = 1; i <= victimLastSequence; i++) {
      try {
        assertThat(text(eu.getMessage(VICTIM_STREAM, i).getData()))
            .as("orders-eu's event %d", i).startsWith("secret");
      } catch (io.nats.client.JetStreamApiException deleted) {
        // a forged message a documented shared-mode vector asserted and deleted
      }
    }
    JetStreamManagement own = attackerAdmin.jetStreamManagement();
    for (String stream : own.getStreamNames()) {
      if (stream.equals(VICTIM_STREAM) || stream.equals("KV_" + VICTIM_BUCKET)) {
        continue;
      }
      long last = own.getStreamInfo(stream).getStreamState().getLastSequence();
      for (long seq = 1; seq <= last; seq++) {
        try {
          assertThat(new String(own.getMessage(stream, seq).getData(), StandardCharsets.UTF_8))
              .as("stream %s of the attacker", stream).doesNotContain("secret");
        } catch (io.nats.client.JetStreamApiException deleted) {
          // a deleted or sourced-away sequence holds nothing
        }
      }
    }
  }

  // ---- streams: sources and mirror ----

  @Test
  @DisplayName("read: stream sources the other's event stream")
  void streamSources() throws Exception {
    refused(ownStream("\"sources\":[{\"name\":\"" + VICTIM_STREAM + "\"}]"));
  }

  @Test
  @DisplayName("read: stream sources the other's stream through an external API prefix")
  void streamSourcesExternal() throws Exception {
    refused(ownStream("\"sources\":[{\"name\":\"" + VICTIM_STREAM + "\",\"external\":"
        + "{\"api\":\"$JS.orders-eu.API\",\"deliver\":\"aether.ev.orders.sourced\"}}]"));
  }

  @Test
  @DisplayName("read: stream mirrors the other's event stream")
  void streamMirror() throws Exception {
    refused(newStream("\"mirror\":{\"name\":\"" + VICTIM_STREAM + "\"}"));
  }

  @Test
  @DisplayName("read: stream mirrors the other's stream through an external API prefix")
  void streamMirrorExternal() throws Exception {
    refused(newStream("\"mirror\":{\"name\":\"" + VICTIM_STREAM + "\",\"external\":"
        + "{\"api\":\"$JS.orders-eu.API\",\"deliver\":\"aether.ev.orders.mirrored\"}}"));
  }

  @Test
  @DisplayName("read: stream sources the other's stream with a subject transform into its own")
  void sourceWithSubjectTransform() throws Exception {
    refused(ownStream("\"sources\":[{\"name\":\"" + VICTIM_STREAM + "\",\"subject_transforms\":"
        + "[{\"src\":\"" + VICTIM_EVENTS + "\",\"dest\":\"aether.ev.orders.>\"}]}]"));
  }

  // ---- streams: republish, capture, transforms ----

  @Test
  @DisplayName("write: republish its appends into the other's event subjects")
  void republishIntoEvents() throws Exception {
    boolean accepted = ownStream("\"republish\":{\"src\":\"aether.ev.orders.>\",\"dest\":"
        + "\"aether.ev.orders-eu.>\"}");
    appendOwn("aether.ev.orders.order-1", "forged");
    refused(accepted);
  }

  @Test
  @DisplayName("write: republish its appends into the other's bus subjects")
  void republishIntoBus() throws Exception {
    boolean accepted = ownStream("\"republish\":{\"src\":\"aether.ev.orders.>\",\"dest\":"
        + "\"aether.bus.orders-eu.>\"}");
    appendOwn("aether.ev.orders.order-2", "forged");
    refused(accepted);
  }

  @Test
  @DisplayName("read: a new stream captures the other's event subjects")
  void streamCapturesOthersSubjects() throws Exception {
    boolean accepted = newStreamWithSubjects("[\"" + VICTIM_EVENTS + "\"]", "");
    victimWrites("aether.ev.orders-eu.order-4", "secret-4");
    refused(accepted);
  }

  @Test
  @DisplayName("read: a new stream captures the other's subjects with a subject transform")
  void streamCapturesWithTransform() throws Exception {
    boolean accepted = newStreamWithSubjects("[\"" + VICTIM_BUS + "\"]",
        ",\"subject_transform\":{\"src\":\"" + VICTIM_BUS + "\",\"dest\":\"aether.ev.orders.>\"}");
    victimWrites("aether.ev.orders-eu.order-5", "secret-5");
    refused(accepted);
  }

  @Test
  @DisplayName("write: a subject transform rewrites its appends into the other's subjects")
  void subjectTransformIntoOthers() throws Exception {
    boolean accepted = ownStream("\"subject_transform\":{\"src\":\"aether.ev.orders.>\","
        + "\"dest\":\"aether.ev.orders-eu.>\"}");
    appendOwn("aether.ev.orders.order-3", "forged");
    refused(accepted);
  }

  // ---- consumers ----

  @Test
  @DisplayName("read: consumer on the other's stream")
  void consumerOnOthersStream() throws Exception {
    String inbox = subscribe(attacker.createInbox());
    boolean accepted = consumer(VICTIM_STREAM, "{\"deliver_subject\":\"" + inbox
        + "\",\"ack_policy\":\"none\",\"deliver_policy\":\"all\"}");
    accepted |= consumer(VICTIM_STREAM, "{\"durable_name\":\"spy\",\"ack_policy\":\"none\"}");
    accepted |= ok(attacker, "$JS.API.CONSUMER.MSG.NEXT." + VICTIM_STREAM + ".spy",
        "{\"batch\":10,\"expires\":200000000}");
    refused(accepted);
  }

  @Test
  @DisplayName("read: consumer on its own stream filtered on the other's subjects")
  void consumerFilterOutsideOwn() throws Exception {
    String inbox = subscribe(attacker.createInbox());
    // The filter is not checked against subscribe permissions; the stream holds only its own.
    consumer(OWN_STREAM, "{\"deliver_subject\":\"" + inbox + "\",\"ack_policy\":\"none\","
        + "\"filter_subject\":\"" + VICTIM_EVENTS + "\"}");
  }

  // ---- direct reads and stream inspection ----

  @Test
  @DisplayName("read: DIRECT.GET on the other's event stream")
  void directGet() throws Exception {
    boolean accepted = ok(attacker, "$JS.API.DIRECT.GET." + VICTIM_STREAM, "{\"seq\":1}");
    accepted |= ok(attacker, "$JS.API.DIRECT.GET." + VICTIM_STREAM
        + ".aether.ev.orders-eu.order-1", "");
    refused(accepted);
  }

  @Test
  @DisplayName("read: STREAM.MSG.GET on the other's event stream")
  void msgGet() throws Exception {
    refused(ok(attacker, "$JS.API.STREAM.MSG.GET." + VICTIM_STREAM, "{\"seq\":1}"));
  }

  @Test
  @DisplayName("read: stream names reveal the other's streams")
  void streamNames() throws Exception {
    boolean accepted;
    try {
      assertThat(jsm().getStreamNames()).doesNotContain(VICTIM_STREAM, "KV_" + VICTIM_BUCKET);
      accepted = true;
    } catch (java.io.IOException | io.nats.client.JetStreamApiException refused) {
      accepted = false;
    }
    refused(accepted);
  }

  @Test
  @DisplayName("read: stream list reveals the other's streams")
  void streamList() throws Exception {
    boolean accepted;
    try {
      assertThat(jsm().getStreams()).extracting(i -> i.getConfiguration().getName())
          .doesNotContain(VICTIM_STREAM, "KV_" + VICTIM_BUCKET);
      accepted = true;
    } catch (java.io.IOException | io.nats.client.JetStreamApiException refused) {
      accepted = false;
    }
    refused(accepted);
  }

  JetStreamManagement jsm() throws java.io.IOException {
    return attacker.jetStreamManagement(io.nats.client.JetStreamOptions.builder()
        .requestTimeout(Duration.ofMillis(500)).build());
  }

  @Test
  @DisplayName("read: stream info of the other's stream")
  void streamInfo() throws Exception {
    refused(ok(attacker, "$JS.API.STREAM.INFO." + VICTIM_STREAM, ""));
  }

  // ---- key-value buckets ----

  @Test
  @DisplayName("read: KV bucket sources the other's bucket")
  void kvSources() throws Exception {
    refused(newStreamWithSubjects("[\"$KV.atk" + names.incrementAndGet() + ".>\"]",
        ",\"sources\":[{\"name\":\"KV_" + VICTIM_BUCKET + "\"}]"));
  }

  @Test
  @DisplayName("read: KV bucket mirrors the other's bucket")
  void kvMirror() throws Exception {
    refused(newStream("\"mirror\":{\"name\":\"KV_" + VICTIM_BUCKET + "\"},\"mirror_direct\":true"));
  }

  @Test
  @DisplayName("write: own KV bucket republishes into the other's bucket")
  void kvRepublish() throws Exception {
    String stream = "KV_aether-cluster-orders";
    boolean accepted = ok(attacker, "$JS.API.STREAM.UPDATE." + stream, "{\"name\":\"" + stream
        + "\",\"subjects\":[\"$KV.aether-cluster-orders.>\"],\"allow_direct\":true,"
        + "\"max_msgs_per_subject\":1,\"republish\":{\"src\":\"$KV.aether-cluster-orders.>\","
        + "\"dest\":\"$KV." + VICTIM_BUCKET + ".>\"}}");
    attacker.publish("$KV.aether-cluster-orders.lease", "forged".getBytes(StandardCharsets.UTF_8));
    attacker.flush(Duration.ofSeconds(1));
    refused(accepted);
  }

  @Test
  @DisplayName("read: DIRECT.GET on the other's bucket")
  void kvDirectGet() throws Exception {
    refused(ok(attacker, "$JS.API.DIRECT.GET.KV_" + VICTIM_BUCKET + ".$KV." + VICTIM_BUCKET
        + ".lease", ""));
  }

  // ---- plain subjects ----

  @Test
  @DisplayName("write: publish straight into the other's event subjects")
  void publishIntoEvents() throws Exception {
    attacker.publish("aether.ev.orders-eu.order-1", "forged".getBytes(StandardCharsets.UTF_8));
    attacker.publish("aether.bus.orders-eu.order-1", "forged".getBytes(StandardCharsets.UTF_8));
    attacker.flush(Duration.ofSeconds(1));
    refusedWithPermissionError();
  }

  @Test
  @DisplayName("read: subscribe to the other's event and bus subjects")
  void subscribeToOthersSubjects() throws Exception {
    subscribe(VICTIM_EVENTS);
    subscribe(VICTIM_BUS);
    victimWrites("aether.ev.orders-eu.order-6", "secret-6");
    refusedWithPermissionError();
  }

  @Test
  @DisplayName("read: inbox snooping on _INBOX.> and the other's inbox prefix")
  void inboxSnooping() throws Exception {
    subscribe("_INBOX.>");
    subscribe("_INBOX_orders-eu.>");
    victimAdmin.jetStreamManagement().getStreamInfo(VICTIM_STREAM);
    victimAdmin.keyValue(VICTIM_BUCKET).get("lease");
    refusedWithPermissionError();
  }

  @Test
  @DisplayName("read: JetStream advisories $JS.EVENT.>")
  void jetStreamAdvisories() throws Exception {
    subscribe("$JS.EVENT.>");
    victimAdmin.jetStreamManagement().addOrUpdateConsumer(VICTIM_STREAM,
        io.nats.client.api.ConsumerConfiguration.builder().durable("audit" + names.incrementAndGet())
            .build());
    refusedWithPermissionError();
  }

  @Test
  @DisplayName("read: system subjects $SYS.>")
  void systemSubjects() throws Exception {
    subscribe("$SYS.>");
    boolean accepted = ok(attacker, "$SYS.REQ.SERVER.PING.CONNZ", "{}");
    victimWrites("aether.ev.orders-eu.order-7", "secret-7");
    refused(accepted);
    refusedWithPermissionError();
  }

  // ---- helpers ----

  /** In shared-account mode, asserts the vector was refused. */
  void refused(boolean accepted) throws Exception {
    attacker.flush(Duration.ofSeconds(1));
    if (mustBeRefused()) {
      assertThat(accepted).as("the application user was allowed this (errors seen: %s)", errors)
          .isFalse();
    }
  }

  /**
   * In shared-account mode, asserts the server answered the vector with a permission violation.
   * The server's -ERR reaches the connection's error listener on jnats's own thread, possibly after
   * flush returns, so this waits for it (bounded) instead of reading the list once.
   */
  void refusedWithPermissionError() throws Exception {
    attacker.flush(Duration.ofSeconds(1));
    if (mustBeRefused()) {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(errors)
          .as("the application user was allowed this: no permission violation reported")
          .anyMatch(e -> e.contains("Permissions Violation")));
    }
  }

  /**
   * What a push consumer on the attacker's own stream did with a deliver subject in orders-eu's
   * space, while orders-eu's own application user listened on that subject.
   *
   * @param created whether the server created the consumer
   * @param victimReceived what orders-eu's listener received (the data of each message)
   * @param victimStored the data of each message orders-eu's stream stored meanwhile
   */
  record Pushed(boolean created, List<String> victimReceived, List<String> victimStored) {}

  /**
   * The push-consumer vector, listening: the attacker appends to its own stream; orders-eu's own
   * application user subscribes on {@code deliverSubject} (the server delivers a push consumer's
   * messages only once a subscription matches the literal deliver subject; wildcard subscribers
   * alone do not make it deliver); the attacker creates a push consumer on its own stream
   * delivering there. {@code expectCrossing} says whether to wait for something to arrive (the
   * documented shared-mode limit) or to wait a quiet period and see nothing. Then the consumer is
   * deleted and, if anything crossed, the forged messages are deleted from orders-eu's stream and
   * bus record, so the check after the test sees what orders-eu's users wrote.
   */
  Pushed pushConsumerInto(String deliverSubject, boolean expectCrossing) throws Exception {
    appendOwn("aether.ev.orders.order-9", "forged");
    List<String> heard = Collections.synchronizedList(new ArrayList<>());
    JetStreamManagement eu = victimAdmin.jetStreamManagement();
    long before = eu.getStreamInfo(VICTIM_STREAM).getStreamState().getLastSequence();
    try (Connection victim = connect(server.connectionOptions()
        .userInfo("orders-eu-app", "eu-secret").inboxPrefix("_INBOX_orders-eu"))) {
      victim.createDispatcher(m -> heard.add(text(m))).subscribe(deliverSubject);
      victim.flush(Duration.ofSeconds(2));
      String name = "atk" + names.incrementAndGet();
      boolean created = ok(attacker, "$JS.API.CONSUMER.CREATE." + OWN_STREAM + "." + name,
          "{\"stream_name\":\"" + OWN_STREAM + "\",\"config\":{\"name\":\"" + name
              + "\",\"deliver_subject\":\"" + deliverSubject + "\",\"ack_policy\":\"none\","
              + "\"deliver_policy\":\"all\"}}");
      if (expectCrossing) {
        await().atMost(Duration.ofSeconds(5)).until(() -> heard.contains("forged"));
      } else {
        await().during(QUIET).atMost(QUIET.multipliedBy(4)).until(() -> heard.isEmpty());
      }
      if (created) {
        try {
          attackerAdmin.jetStreamManagement().deleteConsumer(OWN_STREAM, name);
        } catch (io.nats.client.JetStreamApiException gone) {
          // an ephemeral push consumer may already be gone
        }
      }
      // what was delivered before the consumer was deleted is stored once the stream is still
      AtomicLong seen = new AtomicLong(-1);
      await().during(QUIET).atMost(QUIET.multipliedBy(4)).until(() -> {
        long now = eu.getStreamInfo(VICTIM_STREAM).getStreamState().getLastSequence();
        return seen.getAndSet(now) == now;
      });
      List<String> stored = new ArrayList<>();
      long last = eu.getStreamInfo(VICTIM_STREAM).getStreamState().getLastSequence();
      for (long seq = before + 1; seq <= last; seq++) {
        stored.add(text(eu.getMessage(VICTIM_STREAM, seq).getData()));
        eu.deleteMessage(VICTIM_STREAM, seq);
      }
      victimLastSequence = Math.max(victimLastSequence, last);
      Pushed pushed = new Pushed(created, List.copyOf(heard), List.copyOf(stored));
      victimBus.removeIf(m -> !text(m).startsWith("secret"));
      return pushed;
    }
  }

  /** Tries the attack as an update of its own event stream and as a new stream. */
  boolean ownStream(String evil) throws Exception {
    boolean accepted = ok(attacker, "$JS.API.STREAM.UPDATE." + OWN_STREAM,
        "{\"name\":\"" + OWN_STREAM + "\"," + OWN_BASE + "," + evil + "}");
    accepted |= newStreamWithSubjects("[\"aether.ev.orders.atk" + names.incrementAndGet() + ".>\"]",
        "," + evil);
    return accepted;
  }

  boolean newStream(String config) throws Exception {
    String name = "ATK_" + names.incrementAndGet();
    return ok(attacker, "$JS.API.STREAM.CREATE." + name, "{\"name\":\"" + name + "\"," + config
        + "}");
  }

  boolean newStreamWithSubjects(String subjects, String rest) throws Exception {
    String name = "ATK_" + names.incrementAndGet();
    return ok(attacker, "$JS.API.STREAM.CREATE." + name, "{\"name\":\"" + name
        + "\",\"subjects\":" + subjects + rest + "}");
  }

  boolean consumer(String stream, String config) throws Exception {
    String name = "atk" + names.incrementAndGet();
    String body = "{\"stream_name\":\"" + stream + "\",\"config\":" + config.replaceFirst("\\{",
        "{\"name\":\"" + name + "\",") + "}";
    return ok(attacker, "$JS.API.CONSUMER.CREATE." + stream + "." + name, body);
  }

  void appendOwn(String subject, String data) throws Exception {
    attacker.request(subject, data.getBytes(StandardCharsets.UTF_8), Duration.ofMillis(500));
  }

  void victimWrites(String subject, String data) throws Exception {
    Message ack = victimAdmin.request(subject, data.getBytes(StandardCharsets.UTF_8),
        Duration.ofSeconds(2));
    assertThat(ack).as("orders-eu's own append").isNotNull();
    victimMessages++;
    victimLastSequence++;
    await().atMost(Duration.ofSeconds(2)).until(() -> victimBus.stream()
        .anyMatch(m -> text(m).equals(data)));
  }

  String subscribe(String subject) throws Exception {
    attackerDispatcher.subscribe(subject);
    attacker.flush(Duration.ofSeconds(1));
    return subject;
  }

  /** Sends a request as the connection; true if the server answered without an error. */
  boolean ok(Connection c, String subject, String body) throws Exception {
    Message reply = c.request(subject, body.getBytes(StandardCharsets.UTF_8),
        Duration.ofMillis(500));
    if (reply == null || reply.isStatusMessage()) {
      return false;
    }
    if (c == attacker) {
      received.add(reply);
    }
    String text = text(reply);
    return !(text.startsWith("{\"type\":\"io.nats.jetstream.api.v1.") && text.contains("\"error\""))
        && !(reply.getHeaders() != null && reply.getHeaders().containsKey("Nats-Service-Error"));
  }

  static String text(Message m) {
    return m.getData() == null ? "" : text(m.getData());
  }

  static String text(byte[] data) {
    return new String(data, StandardCharsets.UTF_8);
  }

  Connection connect(Options.Builder b) throws Exception {
    return Nats.connect(b.errorListener(new ErrorListener() {
      @Override
      public void errorOccurred(Connection conn, String error) {
        errors.add(error);
      }
    }).build());
  }
}
