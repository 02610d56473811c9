package one.flowmade.aether.testkit.contract;

import static one.flowmade.aether.testkit.contract.StoreAssertions.assertClosed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link EventStore} keeps, as a JUnit 5 test suite: extend it, implement
 * {@link #createStore(Namespace)}, and every test runs against your store.
 *
 * <pre>{@code
 * final class MyEventStoreContractTest extends EventStoreContract {
 *   @Override
 *   protected EventStore createStore(Namespace namespace) {
 *     return MyEventStore.connect(server, namespace);
 *   }
 * }
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * Before each test the suite picks a random prefix, and every namespace it asks for starts with
 * it, so tests never see each other's events even when the stores live on one shared server: a
 * store needs no cleaning between tests. The suite closes everything it creates (stores from
 * {@link #createStore(Namespace)} and {@link #reopen reopen(EventStore)}, subscriptions, threads) after
 * each test, in reverse order of creation; implementations must not close them themselves. A
 * test calls {@link #createStore(Namespace)} once per namespace it uses; a second instance of a
 * namespace it gets only from {@link #reopen reopen(EventStore)}.
 *
 * <h2>What is checked</h2>
 * Versions, the three kinds of expected version and the conflicts they raise, atomic
 * multi-event appends, idempotent retries and namespace-wide event ids, reads by actor and in
 * global order with paging, pulled reads ({@code readStream}, {@code fold}) across pages, subscriptions (catch-up then live without gap or duplicate under
 * concurrent appends, {@link Position#end()}, type filters, durable resume also from a second
 * store instance, handler failures), concurrent writers on one actor, identifiers with any
 * characters and of the maximum length, namespace isolation, exact round trips of metadata and
 * data, timestamps, use after close and read-your-writes. Timestamps are compared to the
 * millisecond: a store must keep at least millisecond precision (the JetStream store writes RFC
 * 3339 times).
 *
 * <p>Test methods are public so that an implementation may override one, for example to disable
 * it with a reason. Waits are bounded by {@link #timeout()}; the suite never sleeps to
 * synchronise.
 */
public abstract class EventStoreContract extends StreamReadContract {

  /** For subclasses: one per implementation under test. */
  protected EventStoreContract() {}

  // ---- identifiers -------------------------------------------------------------------------

  @Test
  public void actorIdsAndEventTypes_withAnyCharacters_roundTripExactly() {
    List<String> actors = List.of("order.1", "a b", "*", ">", "a.*.>", "=", "=3D", "a=2Eb",
        "ünïcödé", "订单-42", "🚀 launch", "tab\tand\nnewline", " leading", "trailing ", "..",
        "a/b\\c", "%41", "\u0000");
    List<String> types = List.of("Order.Placed", "*", ">", "with spaces", "=", "😀",
        "ÄÖÜ.ß", "a.>");
    List<NewEvent> appended = new ArrayList<>();
    for (int i = 0; i < actors.size(); i++) {
      NewEvent event = event(types.get(i % types.size()));
      appended.add(event);
      store.append(actors.get(i), ExpectedVersion.noStream(), event);
    }

    for (int i = 0; i < actors.size(); i++) {
      List<Event> read = store.read(actors.get(i), 1).events();
      assertThat(read).hasSize(1);
      assertThat(read.get(0).actorId()).isEqualTo(actors.get(i));
      assertThat(read.get(0).type()).isEqualTo(appended.get(i).type());
      assertThat(store.latestVersion(actors.get(i))).isEqualTo(1);
    }
    List<Event> all = store.readAll(Position.beginning(), 100).events();
    assertThat(all).extracting(Event::actorId).containsExactlyElementsOf(actors);
    assertThat(all).extracting(Event::type)
        .containsExactlyElementsOf(appended.stream().map(NewEvent::type).toList());
  }

  @Test
  public void actorIds_thatCouldCollideWhenEncoded_stayDistinct() {
    List<String> actors = List.of("a.b", "a_b", "a-b", "a=2Eb", "a=5Fb", "ab", "a b", "a=20b",
        "A.B", "a*", "a>");
    for (String actor : actors) {
      store.append(actor, ExpectedVersion.noStream(), event("Tick"));
    }

    for (String actor : actors) {
      assertThat(store.latestVersion(actor)).as(actor).isEqualTo(1);
      assertThat(store.read(actor, 1).events()).extracting(Event::actorId).containsExactly(actor);
    }
  }

  @Test
  public void subscription_eventTypeFilterWithSpecialCharacters_matchesTypesExactly() {
    Recorder recorder = new Recorder();
    subscribe(store, SubscriptionOptions.builder().eventTypes("a.*", ">", "x y").build(),
        recorder);

    store.append("order-1", ExpectedVersion.noStream(), List.of(event("a.b"), event("a.*"),
        event("*"), event(">"), event("a.b.c"), event("x"), event("x y"), event("a.=2A")));

    waiting().until(() -> recorder.count() >= 3);
    assertThat(recorder.events()).extracting(Event::type).containsExactly("a.*", ">", "x y");
    Recorder marker = new Recorder();
    subscribe(store, SubscriptionOptions.fromBeginning(), marker);
    waiting().until(() -> marker.count() == 8);
    assertThat(recorder.events()).extracting(Event::type).containsExactly("a.*", ">", "x y");
  }

  @Test
  public void actorIdsAndEventTypes_ofTheMaximumLength_work() {
    List<String> actors = List.of("a".repeat(Limits.MAX_ACTOR_ID_BYTES),
        "🚀".repeat(Limits.MAX_ACTOR_ID_BYTES / 4), "é".repeat(Limits.MAX_ACTOR_ID_BYTES / 2));
    List<String> types = List.of("t".repeat(Limits.MAX_EVENT_TYPE_BYTES),
        "😀".repeat(Limits.MAX_EVENT_TYPE_BYTES / 4), "ü".repeat(Limits.MAX_EVENT_TYPE_BYTES / 2));

    for (int i = 0; i < actors.size(); i++) {
      store.append(actors.get(i), ExpectedVersion.noStream(), event(types.get(i)));
    }

    for (int i = 0; i < actors.size(); i++) {
      Event read = store.read(actors.get(i), 1).events().get(0);
      assertThat(read.actorId()).isEqualTo(actors.get(i));
      assertThat(read.type()).isEqualTo(types.get(i));
    }
  }

  @Test
  public void actorIdsAndEventTypes_overTheMaximumLength_throwIllegalArgument() {
    String actor = "🚀".repeat(Limits.MAX_ACTOR_ID_BYTES / 4) + "a";
    String type = "t".repeat(Limits.MAX_EVENT_TYPE_BYTES + 1);

    assertThatThrownBy(() -> store.append(actor, ExpectedVersion.any(), event("A")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(Limits.MAX_ACTOR_ID_BYTES));
    assertThatThrownBy(() -> store.read(actor, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.latestVersion(actor))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NewEvent.of(type, DATA))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(Limits.MAX_EVENT_TYPE_BYTES));
    assertThatThrownBy(() -> SubscriptionOptions.builder().eventTypes(type))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.lastPosition()).isZero();
  }

  // ---- namespaces --------------------------------------------------------------------------

  @Test
  public void namespaces_withSimilarNames_seeOnlyTheirOwnEvents() {
    List<String> names = List.of("a", "a-b", "a_b", "ab");
    Map<String, EventStore> stores = new LinkedHashMap<>();
    Map<String, Recorder> live = new LinkedHashMap<>();
    Map<String, Recorder> durables = new LinkedHashMap<>();
    for (String name : names) {
      EventStore namespaceStore = open(namespace(name));
      stores.put(name, namespaceStore);
      live.put(name, new Recorder());
      durables.put(name, new Recorder());
      subscribe(namespaceStore, SubscriptionOptions.fromBeginning(), live.get(name));
      subscribe(namespaceStore, durable("same-name", Position.beginning()), durables.get(name));
    }

    String sharedId = UUID.randomUUID().toString();
    for (String name : names) {
      NewEvent event = new NewEvent(sharedId, "Tick", Instant.now(), Metadata.empty(),
          Payload.json("{\"ns\":\"" + name + "\"}"));
      store(stores, name).append("x", ExpectedVersion.noStream(), event);
    }
    for (String name : names) {
      store(stores, name).append("x", ExpectedVersion.exactly(1), event("Marker"));
    }

    for (String name : names) {
      EventStore namespaceStore = store(stores, name);
      String own = "{\"ns\":\"" + name + "\"}";
      assertThat(namespaceStore.latestVersion("x")).isEqualTo(2);
      assertThat(namespaceStore.lastPosition()).isEqualTo(2);
      ReadResult all = namespaceStore.readAll(Position.beginning(), 100);
      assertThat(all.events()).extracting(Event::type).containsExactly("Tick", "Marker");
      assertThat(all.events().get(0).data().asUtf8()).isEqualTo(own);
      for (Recorder recorder : List.of(live.get(name), durables.get(name))) {
        waiting().until(() -> recorder.count() >= 2);
        assertThat(recorder.events()).extracting(Event::type).containsExactly("Tick", "Marker");
        assertThat(recorder.events().get(0).data().asUtf8()).isEqualTo(own);
      }
    }
    assertThat(store.lastPosition()).isZero();
  }

  @Test
  public void namespace_invalidNames_areRejectedWithAClearMessage() {
    Map<String, String> invalid = new LinkedHashMap<>();
    invalid.put("a.b", "'.'");
    invalid.put("a*", "'*'");
    invalid.put(">", "'>'");
    invalid.put(" a", "U+0020");
    invalid.put("A", "'A'");
    invalid.put("a b", "U+0020");
    invalid.put("", "empty");
    invalid.put("a".repeat(Namespace.MAX_LENGTH + 1), Integer.toString(Namespace.MAX_LENGTH));

    invalid.forEach((name, fragment) -> assertThatThrownBy(() -> Namespace.of(name))
        .as("namespace name '%s'", name)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("namespace name")
        .hasMessageContaining(fragment));
  }

  // ---- round trips -------------------------------------------------------------------------

  @Test
  public void metadataAndData_roundTripExactly() {
    byte[] binary = new byte[256];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) i;
    }
    Metadata metadata = Metadata.builder()
        .correlationId("corr-1").causationId("cause-1").userId("user ü 🚀")
        .traceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .traceState("vendor=value,other=x").put("tenant", "acme: \"quoted\" = 1")
        .build();
    List<NewEvent> appended = List.of(
        new NewEvent(UUID.randomUUID().toString(), "Binary", Instant.now(), metadata,
            Payload.of(binary, Payload.OCTET_STREAM)),
        new NewEvent(UUID.randomUUID().toString(), "Text", Instant.now(), Metadata.empty(),
            Payload.of("héllo\n".getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8")),
        new NewEvent(UUID.randomUUID().toString(), "Json", Instant.now(),
            Metadata.builder().put("k1", "").build(), Payload.json("{\"a\":[1,2,{\"b\":null}]}")),
        new NewEvent(UUID.randomUUID().toString(), "Empty", Instant.now(), Metadata.empty(),
            Payload.empty()));
    store.append("order-1", ExpectedVersion.noStream(), appended);
    Recorder recorder = new Recorder();
    subscribe(store, SubscriptionOptions.fromBeginning(), recorder);

    ReadResult read = store.read("order-1", 1);
    waiting().until(() -> recorder.count() == appended.size());

    assertThat(read.undecodable()).isEmpty();
    assertThat(read.events()).hasSize(appended.size());
    for (int i = 0; i < appended.size(); i++) {
      assertStoredAs(read.events().get(i), appended.get(i));
    }
    assertThat(read.events().get(0).metadata().correlationId()).contains("corr-1");
    assertThat(read.events().get(0).data().contentType()).isEqualTo(Payload.OCTET_STREAM);
    assertThat(read.events().get(0).data().toByteArray()).isEqualTo(binary);
    assertThat(recorder.events()).containsExactlyElementsOf(read.events());
    assertThat(store.readAll(Position.beginning(), 10).events())
        .containsExactlyElementsOf(read.events());
  }

  @Test
  public void timestamps_roundTripToTheMillisecond() {
    List<Instant> times = List.of(Instant.parse("1970-01-01T00:00:00Z"),
        Instant.parse("2024-02-29T23:59:59.123456789Z"), Instant.parse("2399-12-31T23:59:59.999Z"),
        Instant.now());
    List<NewEvent> appended = times.stream().map(t -> event("Tick").withTimestamp(t)).toList();

    store.append("order-1", ExpectedVersion.noStream(), appended);

    assertThat(store.read("order-1", 1).events())
        .extracting(e -> e.timestamp().truncatedTo(ChronoUnit.MILLIS))
        .containsExactlyElementsOf(
            times.stream().map(t -> t.truncatedTo(ChronoUnit.MILLIS)).toList());
  }

  // ---- lifecycle ---------------------------------------------------------------------------

  @Test
  public void close_isIdempotentAndClosesOpenSubscriptions() {
    EventSubscription subscription = subscribe(store, SubscriptionOptions.fromBeginning(),
        new Recorder());

    store.close();
    store.close();

    assertThat(subscription.isActive()).isFalse();
    assertThat(store.namespace()).isEqualTo(namespace("main"));
  }

  @Test
  public void closedStore_rejectsEveryCallWithIllegalState() {
    store.append("order-1", ExpectedVersion.noStream(), event("A"));
    store.close();

    assertClosed(() -> store.append("order-1", ExpectedVersion.any(), event("B")));
    assertClosed(() -> store.append("order-1", ExpectedVersion.any(), events(2)));
    assertClosed(() -> store.latestVersion("order-1"));
    assertClosed(() -> store.read("order-1", 1));
    assertClosed(() -> store.read("order-1", 1, 10));
    assertClosed(() -> store.readAll(Position.beginning(), 10));
    assertClosed(store::lastPosition);
    assertClosed(() -> store.subscribe(SubscriptionOptions.fromBeginning(), new Recorder()));
    Throwable async = catchThrowable(() -> store.appendAsync(
        "order-1", ExpectedVersion.any(), events(1)).get(timeout().toMillis(),
        TimeUnit.MILLISECONDS));
    assertThat(unwrap(async)).isInstanceOf(IllegalStateException.class);
  }

  private static EventStore store(Map<String, EventStore> stores, String name) {
    return Objects.requireNonNull(stores.get(name), name);
  }
}
