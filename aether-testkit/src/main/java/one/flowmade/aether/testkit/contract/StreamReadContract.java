package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.ReadResult;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link EventStoreContract} about pulled reads ({@link
 * one.flowmade.aether.EventStore#readStream}, {@link one.flowmade.aether.EventStore#fold}): the
 * same events as a read, in order, across pages, with or without a position hint, read-your-
 * writes, and close.
 */
abstract class StreamReadContract extends SubscriptionContract {

  /** More than one page of every store's stream (512 by default; 256 + 512 for JetStream). */
  static final int LONG_ACTOR = 1_300;

  StreamReadContract() {}

  private void appendMany(String actorId, int count) {
    for (int v = 0; v < count; v += 100) {
      store.append(actorId, ExpectedVersion.exactly(v), events(Math.min(100, count - v)));
    }
  }

  private static List<Event> drain(EventStream stream) {
    List<Event> events = new ArrayList<>();
    try (stream) {
      while (stream.hasNext()) {
        events.add(stream.next());
      }
      assertThat(stream.undecodable()).isEmpty();
    }
    return events;
  }

  @Test
  public void readStream_returnsTheSameEventsAsRead_inOrder_acrossPages() {
    appendMany("order-1", LONG_ACTOR);

    List<Event> streamed = drain(store.readStream("order-1", 1));

    assertThat(streamed).extracting(Event::version)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, LONG_ACTOR)
            .boxed().toList());
    assertThat(streamed).isEqualTo(store.read("order-1", 1).events());
  }

  @Test
  public void readStream_fromAVersion_withAnExactAWrongOrNoHint_returnsTheSameEvents() {
    appendMany("order-1", 700);
    store.append("order-2", ExpectedVersion.noStream(), events(3));
    ReadResult before = store.read("order-1", 600, 1);
    long exact = before.events().get(0).position();
    List<Event> expected = store.read("order-1", 601).events();

    assertThat(drain(store.readStream("order-1", 601, exact, Deadline.none())))
        .isEqualTo(expected);
    assertThat(drain(store.readStream("order-1", 601, 1, Deadline.none())))
        .isEqualTo(expected);
    assertThat(drain(store.readStream("order-1", 601, exact + 50, Deadline.none())))
        .isEqualTo(expected);
    assertThat(drain(store.readStream("order-1", 601))).isEqualTo(expected);
  }

  @Test
  public void readStream_ofAnUnknownActorOrPastTheEnd_isEmpty() {
    store.append("order-1", ExpectedVersion.noStream(), events(2));

    assertThat(drain(store.readStream("nobody", 1))).isEmpty();
    assertThat(drain(store.readStream("order-1", 3))).isEmpty();
  }

  @Test
  public void readStream_seesEveryAppendAcknowledgedBeforeItOpened() {
    for (int i = 0; i < 20; i++) {
      store.append("order-1", ExpectedVersion.exactly(i), event("Tick"));

      List<Event> streamed = drain(store.readStream("order-1", 1));

      assertThat(streamed).hasSize(i + 1);
    }
  }

  @Test
  public void readStream_next_pastTheEnd_throwsNoSuchElement() {
    store.append("order-1", ExpectedVersion.noStream(), events(1));

    try (EventStream stream = store.readStream("order-1", 1)) {
      assertThat(stream.next().version()).isEqualTo(1);
      assertThat(stream.hasNext()).isFalse();
      assertThatThrownBy(stream::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  public void readStream_closedHalfway_throwsOnUse_andTheStoreReadsOn() {
    appendMany("order-1", LONG_ACTOR);

    EventStream stream = store.readStream("order-1", 1);
    assertThat(stream.next().version()).isEqualTo(1);
    stream.close();
    stream.close();

    assertThatThrownBy(stream::hasNext).isInstanceOf(IllegalStateException.class);
    assertThat(drain(store.readStream("order-1", LONG_ACTOR))).extracting(Event::version)
        .containsExactly((long) LONG_ACTOR);
  }

  @Test
  public void readStream_withInvalidArguments_throwsIllegalArgument() {
    assertThatThrownBy(() -> store.readStream("order-1", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fromVersion");
    assertThatThrownBy(() -> store.readStream("", 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> store.readStream("order-1", 1, -1, Deadline.none()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("afterPosition");
  }

  @Test
  public void fold_foldsEveryEventFromTheVersionOn() {
    List<NewEvent> appended = events(10);
    store.append("order-1", ExpectedVersion.noStream(), appended);

    long sum = store.fold("order-1", 4, 0L, (total, event) -> total + event.version());
    String ids = store.fold("order-1", 9, "", (s, event) -> s + event.id() + ";");

    assertThat(sum).isEqualTo(4 + 5 + 6 + 7 + 8 + 9 + 10);
    assertThat(ids).isEqualTo(appended.get(8).id() + ";" + appended.get(9).id() + ";");
  }
}
