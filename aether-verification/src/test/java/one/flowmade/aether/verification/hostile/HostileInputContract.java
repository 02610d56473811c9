package one.flowmade.aether.verification.hostile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.stream.Collectors;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile input against an {@link EventStore}: the whole corpus of {@link HostileInputs} in one
 * namespace, oversized payloads, invalid identifiers and use after close. Every input either works
 * exactly (stored and read back apart from every other) or is refused with a clear {@link
 * IllegalArgumentException} or {@link IllegalStateException}, and nothing stored is lost.
 */
abstract class HostileInputContract {

  private final List<AutoCloseable> resources = new ArrayList<>();
  private EventStore store;

  /** Creates a store of a namespace no other test uses. */
  protected abstract EventStore createStore(Namespace namespace);

  /** How long waits for subscriptions may take. */
  protected Duration timeout() {
    return Duration.ofSeconds(20);
  }

  @BeforeEach
  final void openStore() {
    store = open("hostile-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8));
  }

  @AfterEach
  final void closeResources() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  protected final EventStore open(String namespace) {
    EventStore created = createStore(Namespace.of(namespace));
    resources.add(created);
    return created;
  }

  private static NewEvent event(String type, String data) {
    return NewEvent.of(type, Payload.json("{\"d\":\"" + data + "\"}"));
  }

  @Test
  void everyHostileActorId_isStoredAndReadBackApartFromTheOthers() {
    Map<String, NewEvent> appended = HostileInputs.ACTOR_IDS.stream()
        .collect(Collectors.toMap(Function.identity(), a -> event("t", "x")));

    for (String actor : HostileInputs.ACTOR_IDS) {
      AppendResult result = store.append(actor, ExpectedVersion.noStream(), appended.get(actor));
      assertThat(result.lastVersion()).as(HostileInputs.printable(actor)).isEqualTo(1);
    }

    for (String actor : HostileInputs.ACTOR_IDS) {
      String shown = HostileInputs.printable(actor);
      assertThat(store.latestVersion(actor)).as(shown).isEqualTo(1);
      ReadResult read = store.read(actor, 1);
      assertThat(read.undecodable()).as(shown).isEmpty();
      assertThat(read.events()).as(shown).singleElement().satisfies(e -> {
        assertThat(e.actorId()).isEqualTo(actor);
        assertThat(e.id()).isEqualTo(appended.get(actor).id());
      });
    }
    ReadResult all = store.readAll(Position.beginning(), 10_000);
    assertThat(all.undecodable()).isEmpty();
    assertThat(all.events()).extracting(Event::actorId)
        .containsExactlyElementsOf(HostileInputs.ACTOR_IDS);
  }

  @Test
  void everyHostileEventType_roundTripsAndFiltersExactly() throws Exception {
    String actor = "typed";
    List<NewEvent> events = HostileInputs.EVENT_TYPES.stream().map(t -> event(t, "x")).toList();
    store.append(actor, ExpectedVersion.noStream(), events);

    assertThat(store.read(actor, 1).events()).extracting(Event::type)
        .containsExactlyElementsOf(HostileInputs.EVENT_TYPES);
    for (String type : HostileInputs.EVENT_TYPES) {
      List<Event> received = new CopyOnWriteArrayList<>();
      try (EventSubscription sub = store.subscribe(
          SubscriptionOptions.builder().eventTypes(type).build(), received::add)) {
        assertThat(sub.awaitLive(timeout())).as(HostileInputs.printable(type)).isTrue();
        Awaitility.await().atMost(timeout()).until(() -> !received.isEmpty());
        assertThat(received).as(HostileInputs.printable(type)).extracting(Event::type)
            .containsExactly(type);
      }
    }
  }

  @Test
  void invalidActorIds_areRefusedClearlyAndStoreNothing() {
    for (HostileInputs.Refused actor : HostileInputs.INVALID_ACTOR_IDS) {
      NewEvent e = event("t", "x");
      assertThatThrownBy(() -> store.append(actor.value(), ExpectedVersion.any(), e))
          .as(actor.toString()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(actor.because());
      Throwable async = catchThrowable(() ->
          store.appendAsync(actor.value(), ExpectedVersion.any(), List.of(e)).join());
      assertThat(async).as(actor.toString()).isNotNull();
      Throwable cause = async.getCause() != null && !(async instanceof IllegalArgumentException)
          ? async.getCause() : async;
      assertThat(cause).as(actor.toString()).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> store.read(actor.value(), 1)).as(actor.toString())
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(store.lastPosition()).isZero();
  }

  @Test
  void invalidEventTypesAndIds_cannotEvenBeBuilt() {
    for (HostileInputs.Refused type : HostileInputs.INVALID_EVENT_TYPES) {
      assertThatThrownBy(() -> NewEvent.of(type.value(), Payload.empty())).as(type.toString())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(type.because());
      assertThatThrownBy(() -> SubscriptionOptions.builder().eventTypes(type.value()))
          .as(type.toString()).isInstanceOf(IllegalArgumentException.class);
    }
    for (HostileInputs.Refused id : HostileInputs.INVALID_EVENT_IDS) {
      assertThatThrownBy(() -> event("t", "x").withId(id.value())).as(id.toString())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(id.because());
    }
  }

  @Test
  void oversizedPayloads_areStoredIntactOrRefusedClearly() {
    int[] sizes = {64 * 1024, 900 * 1024, 2 * 1024 * 1024, 9 * 1024 * 1024};
    for (int size : sizes) {
      String actor = "big-" + size;
      byte[] bytes = new byte[size];
      ThreadLocalRandom.current().nextBytes(bytes);
      NewEvent e = NewEvent.of("blob", Payload.of(bytes, Payload.OCTET_STREAM));
      Throwable failure = catchThrowable(() -> store.append(actor, ExpectedVersion.noStream(), e));
      if (failure == null) {
        Event stored = store.read(actor, 1).events().get(0);
        assertThat(Arrays.equals(stored.data().toByteArray(), bytes)).as("%d bytes", size)
            .isTrue();
      } else {
        assertThat(failure).as("%d bytes", size).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure.getMessage().toLowerCase(Locale.ROOT)).as("%d bytes", size)
            .containsAnyOf("bytes", "size", "payload", "large");
        assertThat(store.latestVersion(actor)).isZero();
      }
    }
  }

  @Test
  void batchLargerThanTheStoreTakes_isStoredWholeOrRefusedWhole() {
    byte[] chunk = new byte[600 * 1024];
    List<NewEvent> events = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      events.add(NewEvent.of("chunk", Payload.of(chunk, Payload.OCTET_STREAM)));
    }
    Throwable failure = catchThrowable(() ->
        store.append("batch", ExpectedVersion.noStream(), events));

    long version = store.latestVersion("batch");
    if (failure == null) {
      assertThat(version).isEqualTo(4);
    } else {
      assertThat(failure).isInstanceOf(IllegalArgumentException.class);
      assertThat(version).isZero();
    }
  }

  @Test
  void useAfterClose_isRefusedWithIllegalState() {
    EventStore closing = open("hostile-closing-" + UUID.randomUUID().toString().substring(0, 8));
    closing.append("a", ExpectedVersion.noStream(), event("t", "x"));
    EventSubscription sub = closing.subscribe(SubscriptionOptions.fromBeginning(), e -> { });
    closing.close();
    closing.close();

    assertThat(sub.isActive()).isFalse();
    NewEvent e = event("t", "y");
    List<Runnable> calls = List.of(
        () -> closing.append("a", ExpectedVersion.any(), e),
        () -> closing.latestVersion("a"),
        () -> closing.read("a", 1),
        () -> closing.readAll(Position.beginning(), 10),
        () -> closing.lastPosition(),
        () -> closing.subscribe(SubscriptionOptions.fromBeginning(), ev -> { }));
    for (Runnable call : calls) {
      assertThatThrownBy(call::run).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("closed");
    }
    // Either thrown at once or reported through the future; both stores document theirs.
    Throwable async = catchThrowable(() ->
        closing.appendAsync("a", ExpectedVersion.any(), List.of(e)).join());
    Throwable cause = async instanceof IllegalStateException ? async : async.getCause();
    assertThat(cause).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }
}
