package one.flowmade.aether.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.VersionConflictException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Behaviour of the in-memory event store that the contract suite leaves to implementations. */
final class InMemoryEventStoreTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Namespace ORDERS = Namespace.of("orders");

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final InMemoryEventStore store = track(InMemoryEventStore.create(ORDERS));

  @AfterEach
  void closeResources() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  @Test
  void create_twoStoresOfOneNamespace_doNotShareState() {
    InMemoryEventStore other = track(InMemoryEventStore.create(ORDERS));

    store.append("order-1", ExpectedVersion.noStream(), event("A"));

    assertThat(other.latestVersion("order-1")).isZero();
    assertThat(other.lastPosition()).isZero();
  }

  @Test
  void builder_withoutNamespace_throwsIllegalState() {
    assertThatThrownBy(() -> InMemoryEventStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("namespace");
  }

  @Test
  void builder_namespaceSetTwice_throwsIllegalState() {
    assertThatThrownBy(() -> InMemoryEventStore.builder().namespace(ORDERS).namespace(ORDERS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> InMemoryEventStore.builder().namespace(ORDERS)
        .sharingStateWith(store))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
  }

  @Test
  void builder_invalidCloseTimeout_isRejected() {
    assertThatThrownBy(() -> InMemoryEventStore.builder().closeTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InMemoryEventStore.builder().closeTimeout(Duration.ZERO)
        .closeTimeout(Duration.ZERO))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void sharingStateWith_seesTheSameEventsAlsoAfterTheOtherIsClosed() {
    store.append("order-1", ExpectedVersion.noStream(), event("A"));
    InMemoryEventStore shared = track(InMemoryEventStore.builder().sharingStateWith(store).build());

    shared.append("order-1", ExpectedVersion.exactly(1), event("B"));
    store.close();

    assertThat(shared.namespace()).isEqualTo(ORDERS);
    assertThat(shared.latestVersion("order-1")).isEqualTo(2);
    assertThat(InMemoryEventStore.builder().sharingStateWith(store).build().lastPosition())
        .isEqualTo(2);
  }

  @Test
  void sharingStateWith_liveSubscriptionReceivesAppendsMadeThroughTheOtherStore()
      throws Exception {
    InMemoryEventStore shared = track(InMemoryEventStore.builder().sharingStateWith(store).build());
    List<Long> positions = new CopyOnWriteArrayList<>();
    EventSubscription subscription = track(shared.subscribe(
        SubscriptionOptions.builder().from(Position.end()).build(),
        event -> positions.add(event.position())));
    assertThat(subscription.awaitLive(TIMEOUT)).isTrue();

    store.append("order-1", ExpectedVersion.noStream(), event("A"));

    await().atMost(TIMEOUT).until(() -> positions.size() == 1);
  }

  @Test
  void sharingStateWith_durableNameOpenOnTheOtherStore_throwsIllegalState() {
    InMemoryEventStore shared = track(InMemoryEventStore.builder().sharingStateWith(store).build());
    track(store.subscribe(durable("projector"), event -> { }));

    assertThatThrownBy(() -> shared.subscribe(durable("projector"), event -> { }))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("projector")
        .hasMessageContaining("already open");
  }

  @Test
  void append_retryOfTheFirstEventsOfAnAppend_returnsTheResultForThoseEvents() {
    List<NewEvent> events = List.of(event("A"), event("B"), event("C"));
    store.append("other", ExpectedVersion.noStream(), event("X"));
    store.append("order-1", ExpectedVersion.noStream(), events);

    AppendResult retry = store.append("order-1", ExpectedVersion.any(), events.subList(0, 2));

    assertThat(retry).isEqualTo(new AppendResult("order-1", 1, 2, 2, 3));
    assertThat(store.lastPosition()).isEqualTo(4);
  }

  @Test
  void append_retryWithTheSameIdsButOtherContent_returnsTheOriginalResultAndStoresNothing() {
    NewEvent original = event("A");
    AppendResult first = store.append("order-1", ExpectedVersion.noStream(), original);

    AppendResult retry = store.append("order-1", ExpectedVersion.noStream(),
        NewEvent.of("Other", Payload.json("{\"x\":1}")).withId(original.id()));

    assertThat(retry).isEqualTo(first);
    assertThat(store.read("order-1", 1).events()).extracting(Event::type).containsExactly("A");
  }

  @Test
  void append_idsCollidingPartly_isRefusedBeforeTheVersionIsChecked() {
    NewEvent stored = event("A");
    store.append("order-1", ExpectedVersion.noStream(), stored);

    assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.exactly(7),
        List.of(stored, event("B"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(stored.id())
        .hasMessageContaining("retry");
  }

  @Test
  void appendAsync_invalidInput_throwsAtOnce() {
    assertThatThrownBy(() -> store.appendAsync("", ExpectedVersion.any(), List.of(event("A"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.appendAsync("order-1", ExpectedVersion.any(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void appendAsync_conflictOrClosedStore_failsTheFutureInsteadOfThrowing() {
    store.append("order-1", ExpectedVersion.noStream(), event("A"));

    CompletableFuture<AppendResult> conflict =
        store.appendAsync("order-1", ExpectedVersion.noStream(), List.of(event("B")));
    store.close();
    CompletableFuture<AppendResult> closed =
        store.appendAsync("order-1", ExpectedVersion.any(), List.of(event("C")));

    assertThat(conflict).isCompletedExceptionally();
    assertThatThrownBy(conflict::join).hasCauseInstanceOf(VersionConflictException.class);
    assertThatThrownBy(closed::join).hasCauseInstanceOf(IllegalStateException.class);
  }

  @Test
  void read_nothingFound_continuesAfterTheNamespacesLastPosition() {
    store.append("order-1", ExpectedVersion.noStream(), List.of(event("A"), event("B")));

    assertThat(store.read("order-2", 1).next()).isEqualTo(Position.after(2));
    assertThat(store.read("order-1", 3).next()).isEqualTo(Position.after(2));
  }

  @Test
  void readAll_beyondTheEnd_continuesFromTheSamePosition() {
    store.append("order-1", ExpectedVersion.noStream(), event("A"));

    assertThat(store.readAll(Position.at(5), 10).next()).isEqualTo(Position.at(5));
  }

  @Test
  void subscription_runsOnANamedDaemonThread() throws Exception {
    AtomicReference<Thread> durableThread = new AtomicReference<>();
    AtomicReference<Thread> ephemeralThread = new AtomicReference<>();
    store.append("order-1", ExpectedVersion.noStream(), event("A"));

    track(store.subscribe(durable("projector"),
        event -> durableThread.set(Thread.currentThread())));
    track(store.subscribe(SubscriptionOptions.fromBeginning(),
        event -> ephemeralThread.set(Thread.currentThread())));

    await().atMost(TIMEOUT).until(() -> durableThread.get() != null
        && ephemeralThread.get() != null);
    assertThat(durableThread.get().getName()).isEqualTo("aether-sub-orders-projector");
    assertThat(durableThread.get().isDaemon()).isTrue();
    assertThat(ephemeralThread.get().getName()).matches("aether-sub-orders-\\d+");
    assertThat(ephemeralThread.get().isDaemon()).isTrue();
  }

  @Test
  void subscription_close_waitsForTheHandlerCallInProgress() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean returned = new AtomicBoolean();
    EventSubscription subscription = track(store.subscribe(SubscriptionOptions.fromBeginning(),
        event -> {
          entered.countDown();
          release.await();
          returned.set(true);
        }));
    store.append("order-1", ExpectedVersion.noStream(), event("A"));
    assertThat(entered.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    CompletableFuture<Boolean> returnedWhenClosed = CompletableFuture.supplyAsync(() -> {
      subscription.close();
      return returned.get();
    });
    await().atMost(TIMEOUT).until(() -> !subscription.isActive());
    release.countDown();

    assertThat(returnedWhenClosed.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    assertThat(subscription.lastPosition()).isEqualTo(1);
  }

  @Test
  void subscription_close_givesUpAfterTheCloseTimeoutWhenTheHandlerHangs() throws Exception {
    InMemoryEventStore quick = track(InMemoryEventStore.builder()
        .namespace(Namespace.of("quick")).closeTimeout(Duration.ofMillis(50)).build());
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    EventSubscription subscription = track(quick.subscribe(durable("stuck"), event -> {
      calls.incrementAndGet();
      entered.countDown();
      release.await();
    }));
    quick.append("order-1", ExpectedVersion.noStream(), List.of(event("A"), event("B")));
    assertThat(entered.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();

    subscription.close();

    assertThat(subscription.isActive()).isFalse();
    assertThatThrownBy(() -> quick.subscribe(durable("stuck"), event -> { }))
        .isInstanceOf(IllegalStateException.class);
    release.countDown();
    await().atMost(TIMEOUT).untilAsserted(() -> track(quick.subscribe(durable("stuck"),
        event -> { })));
    assertThat(calls).hasValue(1);
  }

  @Test
  void subscription_closedFromItsOwnHandler_stopsWithoutDeadlock() {
    AtomicReference<EventSubscription> self = new AtomicReference<>();
    AtomicInteger calls = new AtomicInteger();
    CountDownLatch subscribed = new CountDownLatch(1);
    store.append("order-1", ExpectedVersion.noStream(), List.of(event("A"), event("B")));

    self.set(track(store.subscribe(SubscriptionOptions.fromBeginning(), event -> {
      subscribed.await();
      calls.incrementAndGet();
      self.get().close();
    })));
    subscribed.countDown();

    await().atMost(TIMEOUT).until(() -> !self.get().isActive());
    assertThat(calls).hasValue(1);
    assertThat(self.get().failure()).isEmpty();
  }

  @Test
  void subscription_onLiveThrows_stopsWithTheFailure() {
    IllegalStateException failure = new IllegalStateException("onLive fails on purpose");
    EventSubscription subscription = track(store.subscribe(SubscriptionOptions.fromBeginning(),
        new EventHandler() {
          @Override
          public void onEvent(Event event) {}

          @Override
          public void onLive() {
            throw failure;
          }
        }));

    await().atMost(TIMEOUT).until(() -> !subscription.isActive());
    assertThat(subscription.failure()).containsSame(failure);
  }

  @Test
  void subscription_durableWithTypeFilter_resumesAfterTheEventsItSkipped() {
    List<Long> first = new CopyOnWriteArrayList<>();
    SubscriptionOptions paidOnly = SubscriptionOptions.builder().durable("payments")
        .eventTypes("Paid").build();
    store.append("order-1", ExpectedVersion.noStream(),
        List.of(event("Paid"), event("Placed"), event("Placed")));
    EventSubscription subscription = track(store.subscribe(paidOnly,
        event -> first.add(event.position())));
    await().atMost(TIMEOUT).until(subscription::isLive);
    subscription.close();

    List<Long> second = new CopyOnWriteArrayList<>();
    track(store.subscribe(SubscriptionOptions.builder().durable("payments").build(),
        event -> second.add(event.position())));
    store.append("order-2", ExpectedVersion.noStream(), event("Placed"));

    await().atMost(TIMEOUT).until(() -> second.size() == 1);
    assertThat(first).containsExactly(1L);
    assertThat(second).containsExactly(4L);
  }

  @Test
  void subscription_awaitLive_isFalseAfterATimeoutOrOnceStopped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    store.append("order-1", ExpectedVersion.noStream(), event("A"));
    EventSubscription blocked = track(store.subscribe(SubscriptionOptions.fromBeginning(),
        event -> release.await()));

    assertThat(blocked.awaitLive(Duration.ofMillis(20))).isFalse();
    assertThat(blocked.isLive()).isFalse();
    release.countDown();
    assertThat(blocked.awaitLive(TIMEOUT)).isTrue();
    blocked.close();
    assertThat(blocked.awaitLive(TIMEOUT)).isFalse();
    assertThat(blocked.isLive()).isFalse();
  }

  @Test
  void subscribe_nullArguments_throwNullPointer() {
    assertThatThrownBy(() -> store.subscribe(null, event -> { }))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> store.subscribe(SubscriptionOptions.fromBeginning(), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void toString_namesTheNamespaceAndWhetherClosed() {
    assertThat(store).hasToString("InMemoryEventStore[orders]");
    store.close();
    assertThat(store).hasToString("InMemoryEventStore[orders, closed]");
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  private static SubscriptionOptions durable(String name) {
    return SubscriptionOptions.builder().durable(name).build();
  }

  private static NewEvent event(String type) {
    return NewEvent.of(type, Payload.json("{}"));
  }
}
