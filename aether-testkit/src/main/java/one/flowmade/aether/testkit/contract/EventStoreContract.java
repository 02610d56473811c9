package one.flowmade.aether.testkit.contract;

import static one.flowmade.aether.testkit.contract.StoreAssertions.assertClosed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
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
import one.flowmade.aether.VersionConflictException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
 * {@link #createStore(Namespace)} and {@link #reopen(EventStore)}, subscriptions, threads) after
 * each test, in reverse order of creation; implementations must not close them themselves. A
 * test calls {@link #createStore(Namespace)} once per namespace it uses; a second instance of a
 * namespace it gets only from {@link #reopen(EventStore)}.
 *
 * <h2>What is checked</h2>
 * Versions, the three kinds of expected version and the conflicts they raise, atomic
 * multi-event appends, idempotent retries and namespace-wide event ids, reads by actor and in
 * global order with paging, subscriptions (catch-up then live without gap or duplicate under
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
public abstract class EventStoreContract {

  /** For subclasses: one per implementation under test. */
  protected EventStoreContract() {}

  private static final Payload DATA = Payload.json("{}");

  private final TestScope scope = new TestScope("c");
  private EventStore store;

  /**
   * Creates a store of a namespace. The suite calls it once per namespace in a test and closes the
   * store after the test.
   *
   * @param namespace the namespace, unique to the running test
   * @return an open store of that namespace
   */
  protected abstract EventStore createStore(Namespace namespace);

  /**
   * Returns a second, independent store instance of {@code previous}'s namespace that sees the
   * same state, as another process connected to the same server would: the same events and the
   * same durable subscription positions. The suite closes both.
   *
   * <p>The default calls {@link #createStore(Namespace)} with the same namespace, which is right
   * for stores whose state lives on a server. Stores whose state lives in the instance override
   * it to return an instance sharing that state.
   *
   * @param previous a store the suite created, open or closed
   * @return another open store of the same namespace sharing its state
   */
  protected EventStore reopen(EventStore previous) {
    return createStore(previous.namespace());
  }

  /**
   * Returns how long the suite waits at most for something asynchronous to happen.
   *
   * @return the bound of every wait; 30 seconds unless overridden
   */
  protected Duration timeout() {
    return Duration.ofSeconds(30);
  }

  /**
   * Returns a namespace unique to the running test: its name is {@code name} after the test's
   * random prefix.
   *
   * @param name the name's end: lower-case letters, digits, {@code '-'} and {@code '_'}
   * @return the namespace
   */
  protected final Namespace namespace(String name) {
    return scope.namespace(name);
  }

  /**
   * Returns the store the running test uses, of {@code namespace("main")}.
   *
   * @return the store
   */
  protected final EventStore store() {
    return store;
  }

  @BeforeEach
  final void openMainStore() {
    scope.begin();
    store = open(namespace("main"));
  }

  @AfterEach
  final void closeResources() throws Exception {
    scope.end();
  }

  // ---- versions and expected versions ------------------------------------------------------

  @Test
  public void append_toNewActor_startsAtVersionOneAndPositionOne() {
    AppendResult result = store.append("order-1", ExpectedVersion.noStream(), event("Placed"));

    assertThat(result).isEqualTo(new AppendResult("order-1", 1, 1, 1, 1));
    assertThat(result.nextExpectedVersion()).isEqualTo(ExpectedVersion.exactly(1));
  }

  @Test
  public void append_successiveAppends_haveContiguousVersionsFromOne() {
    AppendResult first = store.append("order-1", ExpectedVersion.noStream(), events(1));
    AppendResult second = store.append("order-1", first.nextExpectedVersion(), events(2));
    AppendResult third = store.append("order-1", second.nextExpectedVersion(), events(3));

    assertThat(List.of(first.firstVersion(), first.lastVersion(), second.firstVersion(),
        second.lastVersion(), third.firstVersion(), third.lastVersion()))
        .containsExactly(1L, 1L, 2L, 3L, 4L, 6L);
    assertThat(versions(store.read("order-1", 1))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(positions(store.read("order-1", 1))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  public void append_expectedAny_appendsWhateverTheVersion() {
    store.append("order-1", ExpectedVersion.any(), event("A"));
    AppendResult result = store.append("order-1", ExpectedVersion.any(), events(2));

    assertThat(result.firstVersion()).isEqualTo(2);
    assertThat(result.lastVersion()).isEqualTo(3);
  }

  @Test
  public void append_noStreamOnNewActor_appends() {
    AppendResult result = store.append("order-1", ExpectedVersion.noStream(), event("A"));

    assertThat(result.lastVersion()).isEqualTo(1);
  }

  @Test
  public void append_noStreamOnExistingActor_throwsConflictWithActualVersion() {
    store.append("order-1", ExpectedVersion.noStream(), events(2));

    assertConflict(() -> store.append("order-1", ExpectedVersion.noStream(), event("A")),
        "order-1", ExpectedVersion.noStream(), 2);
    assertThat(store.latestVersion("order-1")).isEqualTo(2);
  }

  @Test
  public void append_exactlyTheCurrentVersion_appends() {
    store.append("order-1", ExpectedVersion.noStream(), events(2));

    AppendResult result = store.append("order-1", ExpectedVersion.exactly(2), event("A"));

    assertThat(result.firstVersion()).isEqualTo(3);
  }

  @Test
  public void append_staleExpectedVersion_throwsConflictWithActualVersion() {
    store.append("order-1", ExpectedVersion.noStream(), events(3));

    assertConflict(() -> store.append("order-1", ExpectedVersion.exactly(1), event("A")),
        "order-1", ExpectedVersion.exactly(1), 3);
    assertThat(store.latestVersion("order-1")).isEqualTo(3);
  }

  @Test
  public void append_expectedVersionAheadOfActor_throwsConflictWithActualVersion() {
    assertConflict(() -> store.append("order-1", ExpectedVersion.exactly(5), event("A")),
        "order-1", ExpectedVersion.exactly(5), 0);
    assertThat(store.latestVersion("order-1")).isZero();
    assertThat(store.lastPosition()).isZero();
  }

  // ---- atomic appends ----------------------------------------------------------------------

  @Test
  public void append_multipleEvents_storesThemTogetherWithConsecutiveVersionsAndPositions() {
    store.append("other", ExpectedVersion.noStream(), event("A"));

    AppendResult result = store.append("order-1", ExpectedVersion.noStream(), events(3));

    assertThat(result).isEqualTo(new AppendResult("order-1", 1, 3, 2, 4));
    assertThat(result.count()).isEqualTo(3);
    ReadResult all = store.readAll(Position.beginning(), 10);
    assertThat(all.events()).extracting(Event::actorId)
        .containsExactly("other", "order-1", "order-1", "order-1");
    assertThat(positions(all)).containsExactly(1L, 2L, 3L, 4L);
  }

  @Test
  public void append_maximumNumberOfEvents_storesThemAll() {
    AppendResult result = store.append(
        "order-1", ExpectedVersion.noStream(), events(Limits.MAX_EVENTS_PER_APPEND));

    assertThat(result.lastVersion()).isEqualTo(Limits.MAX_EVENTS_PER_APPEND);
    assertThat(store.read("order-1", 1).events()).hasSize(Limits.MAX_EVENTS_PER_APPEND);
  }

  @Test
  public void append_conflictingMultiEventAppend_storesNone() {
    store.append("order-1", ExpectedVersion.noStream(), event("A"));

    assertConflict(() -> store.append("order-1", ExpectedVersion.noStream(), events(3)),
        "order-1", ExpectedVersion.noStream(), 1);
    assertThat(store.latestVersion("order-1")).isEqualTo(1);
    assertThat(store.lastPosition()).isEqualTo(1);
  }

  @Test
  public void append_sameEventIdTwiceInOneAppend_throwsIllegalArgumentAndStoresNone() {
    NewEvent event = event("A");

    assertThatThrownBy(() -> store.append(
        "order-1", ExpectedVersion.noStream(), List.of(event("B"), event, event)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(event.id());
    assertThat(store.latestVersion("order-1")).isZero();
    assertThat(store.lastPosition()).isZero();
  }

  @Test
  public void append_storedEventIdInTheMiddleOfAnAppend_throwsIllegalArgumentAndStoresNone() {
    NewEvent stored = event("A");
    store.append("order-1", ExpectedVersion.noStream(), stored);

    assertThatThrownBy(() -> store.append(
        "order-2", ExpectedVersion.noStream(), List.of(event("B"), stored, event("C"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(stored.id());
    assertThat(store.latestVersion("order-2")).isZero();
    assertThat(store.lastPosition()).isEqualTo(1);
  }

  @Test
  public void append_noEventsOrTooMany_throwsIllegalArgument() {
    assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.any(), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.append(
        "order-1", ExpectedVersion.any(), events(Limits.MAX_EVENTS_PER_APPEND + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Integer.toString(Limits.MAX_EVENTS_PER_APPEND));
    assertThat(store.lastPosition()).isZero();
  }

  @Test
  public void append_invalidActorId_throwsIllegalArgument() {
    assertThatThrownBy(() -> store.append("", ExpectedVersion.any(), event("A")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.append("bad\uD800", ExpectedVersion.any(), event("A")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.lastPosition()).isZero();
  }

  // ---- idempotent retries ------------------------------------------------------------------

  @Test
  public void append_sameEventsTwice_storesThemOnceAndReturnsTheOriginalResult() {
    List<NewEvent> events = events(3);
    AppendResult original = store.append("order-1", ExpectedVersion.noStream(), events);

    AppendResult retry = store.append("order-1", ExpectedVersion.noStream(), events);

    assertThat(retry).isEqualTo(original);
    assertThat(store.latestVersion("order-1")).isEqualTo(3);
    assertThat(store.lastPosition()).isEqualTo(3);
  }

  @Test
  public void append_retryAfterTheActorMovedOn_returnsTheOriginalResult() {
    List<NewEvent> events = events(2);
    AppendResult original = store.append("order-1", ExpectedVersion.noStream(), events);
    store.append("other", ExpectedVersion.noStream(), event("A"));
    store.append("order-1", ExpectedVersion.exactly(2), event("B"));

    AppendResult retry = store.append("order-1", ExpectedVersion.noStream(), events);

    assertThat(retry).isEqualTo(original);
    assertThat(store.latestVersion("order-1")).isEqualTo(3);
    assertThat(store.lastPosition()).isEqualTo(4);
  }

  @Test
  public void append_someEventIdsAlreadyStored_throwsIllegalArgumentAndStoresNone() {
    NewEvent first = event("A");
    store.append("order-1", ExpectedVersion.noStream(), List.of(first, event("B")));

    assertThatThrownBy(() -> store.append(
        "order-1", ExpectedVersion.exactly(2), List.of(first, event("C"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(store.latestVersion("order-1")).isEqualTo(2);
    assertThat(store.lastPosition()).isEqualTo(2);
  }

  @Test
  public void append_eventIdStoredForAnotherActor_throwsIllegalArgumentNamingTheId() {
    NewEvent event = event("A");
    store.append("order-1", ExpectedVersion.noStream(), event);

    assertThatThrownBy(() -> store.append("order-2", ExpectedVersion.noStream(), event))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(event.id());
    assertThat(store.latestVersion("order-2")).isZero();
    assertThat(store.lastPosition()).isEqualTo(1);
  }

  // ---- async appends -----------------------------------------------------------------------

  @Test
  public void appendAsync_completesWithTheResult() throws Exception {
    AppendResult result = store.appendAsync("order-1", ExpectedVersion.noStream(), events(2))
        .get(timeout().toMillis(), TimeUnit.MILLISECONDS);

    assertThat(result).isEqualTo(new AppendResult("order-1", 1, 2, 1, 2));
  }

  @Test
  public void appendAsync_versionConflict_completesExceptionally() {
    store.append("order-1", ExpectedVersion.noStream(), event("A"));

    CompletableFuture<AppendResult> future =
        store.appendAsync("order-1", ExpectedVersion.noStream(), events(1));

    Throwable thrown = catchThrowable(() -> future.get(timeout().toMillis(), TimeUnit.MILLISECONDS));
    assertThat(thrown).isInstanceOf(ExecutionException.class);
    assertThat(thrown.getCause()).isInstanceOfSatisfying(VersionConflictException.class, e -> {
      assertThat(e.actorId()).isEqualTo("order-1");
      assertThat(e.actualVersion()).isEqualTo(1);
    });
  }

  @Test
  public void appendAsync_invalidInput_failsWithIllegalArgument() {
    Throwable thrown = catchThrowable(() -> store.appendAsync("", ExpectedVersion.any(), events(1))
        .get(timeout().toMillis(), TimeUnit.MILLISECONDS));

    assertThat(unwrap(thrown)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void appendAsync_manyActorsInFlight_eachActorKeepsTheOrderOfItsAppends() {
    List<String> actors = IntStream.range(0, 10).mapToObj(i -> "actor-" + i).toList();
    Map<String, List<String>> idsInCallOrder = new LinkedHashMap<>();
    List<CompletableFuture<AppendResult>> futures = new ArrayList<>();
    for (int round = 0; round < 20; round++) {
      for (String actor : actors) {
        NewEvent event = event("Tick");
        idsInCallOrder.computeIfAbsent(actor, a -> new ArrayList<>()).add(event.id());
        futures.add(store.appendAsync(actor, ExpectedVersion.any(), List.of(event)));
      }
    }

    CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]))
        .orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();

    for (String actor : actors) {
      assertThat(store.read(actor, 1).events()).extracting(Event::id)
          .containsExactlyElementsOf(idsInCallOrder.get(actor));
    }
    assertThat(store.lastPosition()).isEqualTo(200);
  }

  // ---- reads -------------------------------------------------------------------------------

  @Test
  public void read_fromVersion_returnsThatVersionAndLaterInOrder() {
    List<NewEvent> events = events(5);
    store.append("order-1", ExpectedVersion.noStream(), events);

    ReadResult result = store.read("order-1", 3);

    assertThat(versions(result)).containsExactly(3L, 4L, 5L);
    assertThat(result.events()).extracting(Event::id)
        .containsExactlyElementsOf(events.subList(2, 5).stream().map(NewEvent::id).toList());
    assertThat(result.undecodable()).isEmpty();
  }

  @Test
  public void read_withLimit_returnsAtMostLimitEventsAndContinuesAfterTheLast() {
    store.append("order-1", ExpectedVersion.noStream(), events(5));

    ReadResult result = store.read("order-1", 2, 2);

    assertThat(versions(result)).containsExactly(2L, 3L);
    assertThat(result.next()).isEqualTo(Position.after(3));
  }

  @Test
  public void read_withAPositionHint_returnsWhatTheReadWithoutItReturns() {
    for (int i = 0; i < 6; i++) {
      store.append("order-1", ExpectedVersion.any(), events(1));
      store.append("order-2", ExpectedVersion.any(), events(1));
    }
    Event third = store.read("order-1", 3, 1).events().get(0);
    Event fourth = store.read("order-1", 4, 1).events().get(0);
    ReadResult plain = store.read("order-1", 4, 10);

    assertThat(versions(plain)).containsExactly(4L, 5L, 6L);
    assertThat(store.read("order-1", 4, 10, third.position()).events())
        .isEqualTo(plain.events());
    assertThat(store.read("order-1", 4, 2, third.position()).events())
        .isEqualTo(plain.events().subList(0, 2));
    // Hints that are not exact (too low, or wrong) cost time, never correctness.
    assertThat(store.read("order-1", 4, 10, 0).events()).isEqualTo(plain.events());
    assertThat(store.read("order-1", 4, 10, fourth.position()).events())
        .isEqualTo(plain.events());
    assertThat(store.read("order-1", 4, 10, store.lastPosition()).events())
        .isEqualTo(plain.events());
  }

  @Test
  public void read_unknownActorOrBeyondTheLatestVersion_returnsNothing() {
    store.append("order-1", ExpectedVersion.noStream(), events(2));

    assertThat(store.read("unknown", 1).isEmpty()).isTrue();
    assertThat(store.read("order-1", 3).isEmpty()).isTrue();
  }

  @Test
  public void read_invalidArguments_throwIllegalArgument() {
    assertThatThrownBy(() -> store.read("order-1", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.read("order-1", 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.read("", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.readAll(Position.beginning(), 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  public void latestVersion_isZeroForAnUnknownActorAndFollowsAppends() {
    assertThat(store.latestVersion("order-1")).isZero();

    store.append("order-1", ExpectedVersion.noStream(), events(3));
    store.append("order-2", ExpectedVersion.noStream(), events(1));

    assertThat(store.latestVersion("order-1")).isEqualTo(3);
    assertThat(store.latestVersion("order-2")).isEqualTo(1);
  }

  @Test
  public void lastPosition_isZeroWhenEmptyThenThePositionOfTheLastEvent() {
    assertThat(store.lastPosition()).isZero();

    store.append("order-1", ExpectedVersion.noStream(), events(3));
    store.append("order-2", ExpectedVersion.noStream(), events(2));

    assertThat(store.lastPosition()).isEqualTo(5);
  }

  @Test
  public void readAll_returnsTheEventsOfAllActorsInGlobalOrder() {
    store.append("a", ExpectedVersion.noStream(), events(2));
    store.append("b", ExpectedVersion.noStream(), events(1));
    store.append("a", ExpectedVersion.exactly(2), events(1));
    store.append("c", ExpectedVersion.noStream(), events(2));

    ReadResult result = store.readAll(Position.beginning(), 100);

    assertThat(result.events()).extracting(Event::actorId)
        .containsExactly("a", "a", "b", "a", "c", "c");
    assertThat(versions(result)).containsExactly(1L, 2L, 1L, 3L, 1L, 2L);
    assertThat(positions(result)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(result.next()).isEqualTo(Position.after(6));
    assertThat(result.undecodable()).isEmpty();
  }

  @Test
  public void readAll_pagingWithNext_visitsEveryEventOnceInOrder() {
    for (int i = 0; i < 25; i++) {
      store.append("actor-" + (i % 3), ExpectedVersion.any(), event("Tick"));
    }

    List<Long> seen = new ArrayList<>();
    Position next = Position.beginning();
    int pages = 0;
    while (true) {
      ReadResult page = store.readAll(next, 7);
      if (page.isEmpty()) {
        assertThat(page.next()).isEqualTo(next);
        break;
      }
      assertThat(page.events()).hasSizeLessThanOrEqualTo(7);
      seen.addAll(positions(page));
      next = page.next();
      pages++;
    }

    assertThat(seen).containsExactlyElementsOf(LongStream.rangeClosed(1, 25).boxed().toList());
    assertThat(pages).isEqualTo(4);
  }

  @Test
  public void readAll_fromAPosition_startsThere() {
    store.append("order-1", ExpectedVersion.noStream(), events(5));

    assertThat(positions(store.readAll(Position.at(3), 100))).containsExactly(3L, 4L, 5L);
    assertThat(positions(store.readAll(Position.after(3), 100))).containsExactly(4L, 5L);
    assertThat(store.readAll(Position.at(6), 100).isEmpty()).isTrue();
  }

  @Test
  public void readAll_fromEnd_returnsNothingAndContinuesAfterTheLastEvent() {
    store.append("order-1", ExpectedVersion.noStream(), events(3));

    ReadResult result = store.readAll(Position.end(), 100);

    assertThat(result.isEmpty()).isTrue();
    assertThat(result.next()).isEqualTo(Position.after(3));
  }

  @Test
  public void acknowledgedAppend_isVisibleToReadsStartedAfterwardOnAnotherThread() {
    ExecutorService writer = scope.executor(1);
    ExecutorService reader = scope.executor(1);
    for (int i = 0; i < 100; i++) {
      String actor = "actor-" + (i % 4);
      NewEvent event = event("Tick");
      CompletableFuture<Void> check = CompletableFuture
          .supplyAsync(() -> store.append(actor, ExpectedVersion.any(), event), writer)
          .thenAcceptAsync(result -> {
            assertThat(store.latestVersion(actor)).isGreaterThanOrEqualTo(result.lastVersion());
            assertThat(store.read(actor, result.lastVersion()).events())
                .first().extracting(Event::id).isEqualTo(event.id());
            assertThat(store.readAll(Position.at(result.lastPosition()), 1).events())
                .extracting(Event::id).containsExactly(event.id());
            assertThat(store.lastPosition()).isGreaterThanOrEqualTo(result.lastPosition());
          }, reader);
      check.orTimeout(timeout().toMillis(), TimeUnit.MILLISECONDS).join();
    }
  }

  // ---- concurrency -------------------------------------------------------------------------

  @Test
  public void append_concurrentWritersWithTheSameExpectedVersion_exactlyOneWinsEachRound()
      throws Exception {
    int writers = 8;
    ExecutorService pool = scope.executor(writers);
    for (int round = 0; round < 50; round++) {
      ExpectedVersion expected = ExpectedVersion.exactly(round);
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Object>> outcomes = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        outcomes.add(pool.submit(() -> {
          go.await();
          try {
            return store.append("contended", expected, event("Tick"));
          } catch (VersionConflictException e) {
            return e;
          }
        }));
      }
      go.countDown();

      int wins = 0;
      for (Future<Object> outcome : outcomes) {
        Object value = outcome.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        if (value instanceof AppendResult result) {
          wins++;
          assertThat(result.lastVersion()).isEqualTo(round + 1);
        } else {
          VersionConflictException conflict = (VersionConflictException) value;
          assertThat(conflict.actorId()).isEqualTo("contended");
          assertThat(conflict.expected()).isEqualTo(expected);
          assertThat(conflict.actualVersion()).isEqualTo(round + 1);
        }
      }
      assertThat(wins).as("winners of round %d", round).isEqualTo(1);
    }
    assertThat(store.latestVersion("contended")).isEqualTo(50);
    assertThat(versions(store.read("contended", 1)))
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 50).boxed().toList());
  }

  // ---- subscriptions -----------------------------------------------------------------------

  @Test
  public void subscription_catchesUpThenGoesLive_withoutGapOrDuplicate_whileEightThreadsAppend()
      throws Exception {
    store.append("early", ExpectedVersion.noStream(), events(100));
    store.append("early", ExpectedVersion.exactly(100), events(100));
    int writers = 8;
    int perWriter = 1000;
    ExecutorService pool = scope.executor(writers);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int w = 0; w < writers; w++) {
      String actor = "writer-" + w;
      done.add(pool.submit(() -> {
        go.await();
        for (int v = 0; v < perWriter; v++) {
          store.append(actor, ExpectedVersion.exactly(v), event("Tick"));
        }
        return null;
      }));
    }
    go.countDown();
    waiting().until(() -> store.lastPosition() >= 1000);

    Recorder recorder = new Recorder();
    EventSubscription subscription = subscribe(store, SubscriptionOptions.fromBeginning(), recorder);
    for (Future<?> writer : done) {
      writer.get(timeout().toMillis(), TimeUnit.MILLISECONDS);
    }
    long total = 200 + (long) writers * perWriter;
    waiting().until(() -> recorder.count() >= total);

    assertThat(recorder.positions())
        .containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
    Map<String, List<Long>> versionsByActor = recorder.events().stream().collect(
        Collectors.groupingBy(Event::actorId, Collectors.mapping(Event::version,
            Collectors.toList())));
    for (int w = 0; w < writers; w++) {
      assertThat(versionsByActor.get("writer-" + w))
          .containsExactlyElementsOf(LongStream.rangeClosed(1, perWriter).boxed().toList());
    }
    waiting().until(() -> subscription.lastPosition() == total);
    assertThat(subscription.isLive()).isTrue();
    assertThat(recorder.liveCalls()).isEqualTo(1);
  }

  @Test
  public void subscription_onLive_isCalledOnceAfterTheExistingEvents() throws Exception {
    store.append("order-1", ExpectedVersion.noStream(), events(5));
    Recorder recorder = new Recorder();

    EventSubscription subscription = subscribe(store, SubscriptionOptions.fromBeginning(), recorder);

    assertThat(subscription.awaitLive(timeout())).isTrue();
    assertThat(subscription.isLive()).isTrue();
    assertThat(recorder.handledWhenLive()).isEqualTo(5);
    store.append("order-1", ExpectedVersion.exactly(5), events(2));
    waiting().until(() -> recorder.count() == 7);
    assertThat(recorder.liveCalls()).isEqualTo(1);
  }

  @Test
  public void subscription_fromEnd_receivesOnlyEventsAppendedAfterSubscribing() throws Exception {
    store.append("order-1", ExpectedVersion.noStream(), events(3));
    Recorder recorder = new Recorder();

    EventSubscription subscription = subscribe(store,
        SubscriptionOptions.builder().from(Position.end()).build(), recorder);
    assertThat(subscription.awaitLive(timeout())).isTrue();
    store.append("order-1", ExpectedVersion.exactly(3), events(2));

    waiting().until(() -> recorder.count() >= 2);
    assertThat(recorder.positions()).containsExactly(4L, 5L);
    assertThat(recorder.handledWhenLive()).isZero();
  }

  @Test
  public void subscription_fromAPosition_startsAtThatPosition() {
    store.append("order-1", ExpectedVersion.noStream(), events(5));
    Recorder recorder = new Recorder();

    subscribe(store, SubscriptionOptions.builder().from(Position.at(4)).build(), recorder);

    waiting().until(() -> recorder.count() >= 2);
    assertThat(recorder.positions()).containsExactly(4L, 5L);
  }

  @Test
  public void subscription_eventTypeFilter_deliversOnlyThoseTypes() {
    store.append("order-1", ExpectedVersion.noStream(),
        List.of(event("Placed"), event("Paid"), event("Shipped"), event("Paid")));
    Recorder recorder = new Recorder();

    EventSubscription subscription = subscribe(store,
        SubscriptionOptions.builder().eventTypes("Paid", "Shipped").build(), recorder);
    store.append("order-1", ExpectedVersion.exactly(4), List.of(event("Placed"), event("Paid")));

    waiting().until(() -> recorder.count() >= 4);
    assertThat(recorder.events()).extracting(Event::type)
        .containsExactly("Paid", "Shipped", "Paid", "Paid");
    assertThat(recorder.positions()).containsExactly(2L, 3L, 4L, 6L);
    waiting().until(() -> subscription.lastPosition() == 6);
  }

  @Test
  public void subscription_durable_resumesAfterTheLastHandledEventWhenReopened() {
    store.append("order-1", ExpectedVersion.noStream(), events(3));
    Recorder first = new Recorder();
    EventSubscription subscription = subscribe(store, durable("projector", Position.beginning()), first);
    waiting().until(() -> subscription.lastPosition() == 3);
    subscription.close();
    store.append("order-1", ExpectedVersion.exactly(3), events(2));

    Recorder second = new Recorder();
    EventSubscription reopened = subscribe(store, durable("projector", Position.end()), second);
    waiting().until(() -> reopened.lastPosition() == 5);
    store.append("order-1", ExpectedVersion.exactly(5), events(1));

    waiting().until(() -> reopened.lastPosition() == 6);
    assertThat(first.positions()).containsExactly(1L, 2L, 3L);
    assertThat(second.positions()).containsExactly(4L, 5L, 6L);
    assertThat(reopened.name()).contains("projector");
  }

  @Test
  public void subscription_durable_resumesOnAnotherStoreInstanceOfTheNamespace() {
    store.append("order-1", ExpectedVersion.noStream(), events(3));
    Recorder first = new Recorder();
    EventSubscription subscription = subscribe(store, durable("projector", Position.beginning()), first);
    waiting().until(() -> subscription.lastPosition() == 3);
    subscription.close();
    store.close();

    EventStore other = scope.track(reopen(store));
    assertThat(other.namespace()).isEqualTo(store.namespace());
    other.append("order-1", ExpectedVersion.exactly(3), events(2));
    Recorder second = new Recorder();
    EventSubscription reopened = subscribe(other, durable("projector", Position.beginning()), second);

    waiting().until(() -> reopened.lastPosition() == 5);
    assertThat(second.positions()).containsExactly(4L, 5L);
    assertThat(positions(other.readAll(Position.beginning(), 100)))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  public void subscription_durableNameAlreadyOpen_throwsIllegalState() {
    EventSubscription open = subscribe(store, durable("projector", Position.beginning()),
        new Recorder());

    assertThatThrownBy(() -> store.subscribe(durable("projector", Position.beginning()),
        new Recorder()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("projector");

    open.close();
    EventSubscription again = subscribe(store, durable("projector", Position.beginning()),
        new Recorder());
    assertThat(again.isActive()).isTrue();
  }

  @Test
  public void subscription_handlerThrows_stopsWithTheFailureAndDurableResumesAtTheFailedEvent() {
    store.append("order-1", ExpectedVersion.noStream(), events(5));
    Recorder failing = Recorder.failingAt(3);

    EventSubscription subscription = subscribe(store, durable("projector", Position.beginning()),
        failing);

    waiting().until(() -> !subscription.isActive());
    assertThat(subscription.failure()).containsSame(failing.thrown());
    assertThat(subscription.lastPosition()).isEqualTo(2);
    assertThat(failing.positions()).containsExactly(1L, 2L);

    Recorder second = new Recorder();
    EventSubscription reopened = subscribe(store, durable("projector", Position.beginning()), second);
    waiting().until(() -> reopened.lastPosition() == 5);
    assertThat(second.positions()).containsExactly(3L, 4L, 5L);
    assertThat(reopened.failure()).isEmpty();
  }

  @Test
  public void subscription_close_isIdempotentAndStopsDelivery() {
    Recorder recorder = new Recorder();
    EventSubscription subscription = subscribe(store, SubscriptionOptions.fromBeginning(), recorder);
    store.append("order-1", ExpectedVersion.noStream(), events(1));
    waiting().until(() -> recorder.count() == 1);

    subscription.close();
    subscription.close();
    store.append("order-1", ExpectedVersion.exactly(1), events(2));
    Recorder witness = new Recorder();
    subscribe(store, SubscriptionOptions.fromBeginning(), witness);
    waiting().until(() -> witness.count() == 3);

    assertThat(subscription.isActive()).isFalse();
    assertThat(subscription.isLive()).isFalse();
    assertThat(subscription.failure()).isEmpty();
    assertThat(recorder.positions()).containsExactly(1L);
  }

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
      stores.get(name).append("x", ExpectedVersion.noStream(), event);
    }
    for (String name : names) {
      stores.get(name).append("x", ExpectedVersion.exactly(1), event("Marker"));
    }

    for (String name : names) {
      EventStore namespaceStore = stores.get(name);
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

  // ---- helpers -----------------------------------------------------------------------------

  private EventStore open(Namespace namespace) {
    return scope.open(namespace, this::createStore, EventStore::namespace);
  }

  private EventSubscription subscribe(EventStore target, SubscriptionOptions options,
      EventHandler handler) {
    return scope.track(target.subscribe(options, handler));
  }

  private ConditionFactory waiting() {
    return Awaitility.await().atMost(timeout()).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5));
  }

  private static SubscriptionOptions durable(String name, Position from) {
    return SubscriptionOptions.builder().durable(name).from(from).build();
  }

  private static NewEvent event(String type) {
    return NewEvent.of(type, DATA);
  }

  private static List<NewEvent> events(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> NewEvent.of("Tick", Payload.json("{\"i\":" + i + "}")))
        .toList();
  }

  private static List<Long> versions(ReadResult result) {
    return result.events().stream().map(Event::version).toList();
  }

  private static List<Long> positions(ReadResult result) {
    return result.events().stream().map(Event::position).toList();
  }

  private static void assertConflict(Runnable append, String actorId, ExpectedVersion expected,
      long actualVersion) {
    assertThatThrownBy(append::run).isInstanceOfSatisfying(VersionConflictException.class, e -> {
      assertThat(e.actorId()).isEqualTo(actorId);
      assertThat(e.expected()).isEqualTo(expected);
      assertThat(e.actualVersion()).isEqualTo(actualVersion);
      assertThat(e.isTransient()).isFalse();
    });
  }

  private static void assertStoredAs(Event stored, NewEvent appended) {
    assertThat(stored.id()).isEqualTo(appended.id());
    assertThat(stored.type()).isEqualTo(appended.type());
    assertThat(stored.metadata()).isEqualTo(appended.metadata());
    assertThat(stored.metadata().asMap()).isEqualTo(appended.metadata().asMap());
    assertThat(stored.data()).isEqualTo(appended.data());
    assertThat(stored.data().contentType()).isEqualTo(appended.data().contentType());
    assertThat(stored.timestamp().truncatedTo(ChronoUnit.MILLIS))
        .isEqualTo(appended.timestamp().truncatedTo(ChronoUnit.MILLIS));
  }

  private static Throwable unwrap(Throwable thrown) {
    return thrown instanceof ExecutionException && thrown.getCause() != null
        ? thrown.getCause()
        : thrown;
  }

  /** Records what a subscription delivers; optionally fails at one position. */
  private static final class Recorder implements EventHandler {
    private final List<Event> handled = new ArrayList<>();
    private final AtomicInteger liveCalls = new AtomicInteger();
    private final long failAt;
    private final RuntimeException failure;
    private volatile int handledWhenLive = -1;

    private Recorder() {
      this(0);
    }

    private Recorder(long failAt) {
      this.failAt = failAt;
      this.failure = new IllegalStateException(
          String.format(Locale.ROOT, "handler fails on purpose at position %d", failAt));
    }

    static Recorder failingAt(long position) {
      return new Recorder(position);
    }

    @Override
    public void onEvent(Event event) {
      if (event.position() == failAt) {
        throw failure;
      }
      synchronized (handled) {
        handled.add(event);
      }
    }

    @Override
    public void onLive() {
      handledWhenLive = count();
      liveCalls.incrementAndGet();
    }

    RuntimeException thrown() {
      return failure;
    }

    List<Event> events() {
      synchronized (handled) {
        return List.copyOf(handled);
      }
    }

    int count() {
      synchronized (handled) {
        return handled.size();
      }
    }

    List<Long> positions() {
      return events().stream().map(Event::position).toList();
    }

    int liveCalls() {
      return liveCalls.get();
    }

    int handledWhenLive() {
      return handledWhenLive;
    }
  }
}
