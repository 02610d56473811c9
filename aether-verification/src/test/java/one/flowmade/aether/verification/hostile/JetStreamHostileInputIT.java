package one.flowmade.aether.verification.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hostile input corpus against the JetStream store on a real server, plus what only a real
 * stream can hold: foreign and malformed messages published with raw jnats on Aether's subjects.
 * They are reported (position, raw bytes, cause) and skipped by reads and subscriptions, and
 * nothing stored is lost.
 */
final class JetStreamHostileInputIT extends HostileInputContract {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private final List<Connection> connections = new ArrayList<>();

  @Override
  protected EventStore createStore(Namespace namespace) {
    Connection nc = NATS.connect();
    connections.add(nc);
    return JetStreamEventStore.builder(nc, namespace).build();
  }

  @AfterEach
  void closeConnections() throws InterruptedException {
    for (Connection nc : connections) {
      nc.close();
    }
  }

  /** Foreign messages, by the subject they are published on. */
  private static Map<String, NatsMessage> foreignMessages(Namespace ns) {
    String n = ns.name();
    Map<String, NatsMessage> messages = new LinkedHashMap<>();
    messages.put("no headers on an actor's subject", NatsMessage.builder()
        .subject(SubjectLayout.eventSubject(ns, "victim", "Forged"))
        .data("garbage \u0000\u00ff".getBytes(StandardCharsets.UTF_8)).build());
    Headers wrongSpec = new Headers().add("ce-specversion", "0.1").add("ce-id", "x y z")
        .add("ce-type", "").add("Aether-Version", "-5");
    messages.put("malformed CloudEvents headers", NatsMessage.builder()
        .subject(SubjectLayout.eventSubject(ns, "victim", "Forged")).headers(wrongSpec)
        .data("{".getBytes(StandardCharsets.UTF_8)).build());
    messages.put("too few tokens", NatsMessage.builder().subject("aether.ev." + n + ".lonely")
        .data("x".getBytes(StandardCharsets.UTF_8)).build());
    messages.put("too many tokens", NatsMessage.builder()
        .subject("aether.ev." + n + ".a.b.c.d").data(new byte[0]).build());
    messages.put("invalid token encoding", NatsMessage.builder()
        .subject("aether.ev." + n + ".=ZZ.T").data("{}".getBytes(StandardCharsets.UTF_8))
        .build());
    messages.put("binary body", NatsMessage.builder()
        .subject(SubjectLayout.eventSubject(ns, "other", "Blob"))
        .data(new byte[] {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe}).build());
    return messages;
  }

  @Test
  void foreignMessagesInTheStream_areReportedAndSkipped_andNothingIsLost() throws Exception {
    Namespace ns = Namespace.of("foreign-" + Long.toHexString(System.nanoTime()));
    EventStore store = createStore(ns);
    Connection raw = NATS.connect();
    connections.add(raw);
    JetStream js = raw.jetStream();
    store.append("victim", ExpectedVersion.noStream(), List.of(
        NewEvent.of("Good", Payload.json("{\"n\":1}")),
        NewEvent.of("Good", Payload.json("{\"n\":2}"))));
    List<Event> appended = store.read("victim", 1).events();
    Map<String, NatsMessage> foreign = foreignMessages(ns);
    Map<Long, String> foreignPositions = new LinkedHashMap<>();
    for (Map.Entry<String, NatsMessage> e : foreign.entrySet()) {
      foreignPositions.put(js.publish(e.getValue()).getSeqno(), e.getKey());
    }
    store.append("bystander", ExpectedVersion.noStream(), NewEvent.of("Good", Payload.json("{}")));

    ReadResult all = store.readAll(Position.beginning(), 1000);

    assertThat(all.events()).extracting(Event::actorId)
        .containsExactly("victim", "victim", "bystander");
    assertThat(all.undecodable()).extracting(UndecodableEvent::position)
        .containsExactlyElementsOf(foreignPositions.keySet());
    for (UndecodableEvent u : all.undecodable()) {
      NatsMessage published = foreign.get(foreignPositions.get(u.position()));
      assertThat(u.raw().toByteArray()).as(foreignPositions.get(u.position()))
          .isEqualTo(published.getData());
      assertThat(u.cause()).as(foreignPositions.get(u.position())).isNotNull();
      assertThat(u.source()).isNotBlank();
    }

    List<Event> delivered = new CopyOnWriteArrayList<>();
    List<UndecodableEvent> skipped = new CopyOnWriteArrayList<>();
    try (var sub = store.subscribe(SubscriptionOptions.fromBeginning(), new EventHandler() {
      @Override
      public void onEvent(Event event) {
        delivered.add(event);
      }

      @Override
      public void onUndecodable(UndecodableEvent undecodable) {
        skipped.add(undecodable);
      }
    })) {
      assertThat(sub.awaitLive(Duration.ofSeconds(20))).isTrue();
      store.append("bystander", ExpectedVersion.exactly(1),
          NewEvent.of("Good", Payload.json("{}")));
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> delivered.size() == 4);
      assertThat(skipped).extracting(UndecodableEvent::position)
          .containsExactlyElementsOf(foreignPositions.keySet());
      assertThat(sub.isActive()).isTrue();
    }

    ReadResult victim = store.read("victim", 1);
    assertThat(victim.events()).extracting(Event::version).startsWith(1L, 2L);
    assertThat(victim.events()).extracting(Event::id)
        .startsWith(appended.get(0).id(), appended.get(1).id());
    assertThat(victim.undecodable()).isNotEmpty();

    // The victim's next append either works with contiguous versions or is refused clearly.
    Throwable next = catchThrowable(() -> store.append("victim", ExpectedVersion.exactly(2),
        NewEvent.of("Good", Payload.json("{\"n\":3}"))));
    System.out.println("append after foreign messages on the actor's subject: "
        + (next == null ? "stored as v3" : next.toString()));
    if (next == null) {
      assertThat(store.read("victim", 1).events()).extracting(Event::version)
          .containsExactly(1L, 2L, 3L);
    } else {
      assertThat(next).isNotInstanceOf(AetherTransientException.class);
    }
    assertThat(store.readAll(Position.beginning(), 1000).events())
        .extracting(Event::id).containsAll(appended.stream().map(Event::id).toList());
  }
}
