package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.VersionConflictException;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link EventStoreContract} about reads: by actor and in global order with
 * paging, latest version and last position, read-your-writes, and concurrent writers on one
 * actor.
 */
abstract class ReadContract extends AppendContract {

  ReadContract() {}

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
}
