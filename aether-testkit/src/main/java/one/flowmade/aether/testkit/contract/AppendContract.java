package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.VersionConflictException;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link EventStoreContract} about appends: versions and the three kinds of
 * expected version with the conflicts they raise, atomic multi-event appends, idempotent retries
 * and namespace-wide event ids, and async appends.
 */
abstract class AppendContract extends EventStoreSupport {

  AppendContract() {}

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
}
