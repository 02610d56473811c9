package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Position;
import one.flowmade.aether.SubscriptionOptions;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link EventStoreContract} about subscriptions: catch-up then live without gap
 * or duplicate under concurrent appends, {@code Position.end()}, type filters, durable resume
 * (also from a second store instance), handler failures and closing.
 */
abstract class SubscriptionContract extends ReadContract {

  SubscriptionContract() {}

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
}
