package one.flowmade.aether.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.VersionConflictException;

/**
 * The helpers of the {@link EventStoreContract} parts: events, handlers that record what they
 * receive, and assertions. Not thread-safe, like the suite.
 */
abstract class EventStoreSupport extends StoreContract<EventStore> {

  static final Payload DATA = Payload.json("{}");

  EventStoreSupport() {
    super("c", EventStore::namespace);
  }

  EventSubscription subscribe(EventStore target, SubscriptionOptions options,
      EventHandler handler) {
    return scope.track(target.subscribe(options, handler));
  }

  static SubscriptionOptions durable(String name, Position from) {
    return SubscriptionOptions.builder().durable(name).from(from).build();
  }

  static NewEvent event(String type) {
    return NewEvent.of(type, DATA);
  }

  static List<NewEvent> events(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> NewEvent.of("Tick", Payload.json("{\"i\":" + i + "}")))
        .toList();
  }

  static List<Long> versions(ReadResult result) {
    return result.events().stream().map(Event::version).toList();
  }

  static List<Long> positions(ReadResult result) {
    return result.events().stream().map(Event::position).toList();
  }

  static void assertConflict(Runnable append, String actorId, ExpectedVersion expected,
      long actualVersion) {
    assertThatThrownBy(append::run).isInstanceOfSatisfying(VersionConflictException.class, e -> {
      assertThat(e.actorId()).isEqualTo(actorId);
      assertThat(e.expected()).isEqualTo(expected);
      assertThat(e.actualVersion()).isEqualTo(actualVersion);
      assertThat(e.isTransient()).isFalse();
    });
  }

  static void assertStoredAs(Event stored, NewEvent appended) {
    assertThat(stored.id()).isEqualTo(appended.id());
    assertThat(stored.type()).isEqualTo(appended.type());
    assertThat(stored.metadata()).isEqualTo(appended.metadata());
    assertThat(stored.metadata().asMap()).isEqualTo(appended.metadata().asMap());
    assertThat(stored.data()).isEqualTo(appended.data());
    assertThat(stored.data().contentType()).isEqualTo(appended.data().contentType());
    assertThat(stored.timestamp().truncatedTo(ChronoUnit.MILLIS))
        .isEqualTo(appended.timestamp().truncatedTo(ChronoUnit.MILLIS));
  }

  static Throwable unwrap(Throwable thrown) {
    return thrown instanceof ExecutionException && thrown.getCause() != null
        ? thrown.getCause()
        : thrown;
  }

  /** Records what a subscription delivers; optionally fails at one position. */
  static final class Recorder implements EventHandler {
    private final List<Event> handled = new ArrayList<>();
    private final AtomicInteger liveCalls = new AtomicInteger();
    private final long failAt;
    private final RuntimeException failure;
    private volatile int handledWhenLive = -1;

    Recorder() {
      this(0);
    }

    Recorder(long failAt) {
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
