package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.actor.SnapshotPolicy;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.codec.JacksonStateCodec;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The actor abstraction on the JetStream stores loads a snapshot plus only the later events. */
final class SnapshotLoadIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static Connection connection;

  /** The event of the test model. */
  record Added(long amount) {}

  /** The state of the test model. */
  record Counter(long total) {}

  private static final ActorModel<Counter, Added> MODEL = new ActorModel<>() {
    @Override
    public Counter initialState(String actorId) {
      return new Counter(0);
    }

    @Override
    public Counter apply(Counter state, Added event) {
      return new Counter(state.total() + event.amount());
    }
  };

  @BeforeAll
  static void connect() {
    connection = NATS.connect();
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    connection.close();
  }

  @Test
  void load_readsTheSnapshotAndOnlyTheEventsAfterIt_evenWhenEarlierEventsAreGone()
      throws Exception {
    Namespace namespace = Namespace.of("snapload");
    try (JetStreamEventStore events = JetStreamEventStore.builder(connection, namespace).build();
        JetStreamSnapshotStore snapshots =
            JetStreamSnapshotStore.builder(connection, namespace).build()) {
      CountingStore counting = new CountingStore(events);
      ActorRepository<Counter, Added> repository = ActorRepository.builder(MODEL, Added.class)
          .eventStore(counting)
          .codec(JacksonEventCodec.builder().register(Added.class).build())
          .snapshots(snapshots, JacksonStateCodec.of(Counter.class))
          .snapshotPolicy(SnapshotPolicy.everyEvents(10))
          .build();
      for (int i = 0; i < 25; i++) {
        repository.execute("counter-1", state -> List.of(new Added(1)));
      }
      Snapshot snapshot = snapshots.load("counter-1").orElseThrow();
      assertThat(snapshot.version()).isEqualTo(20);
      assertThat(snapshot.position()).isEqualTo(20);

      JetStreamManagement jsm = connection.jetStreamManagement();
      for (long position = 1; position <= snapshot.position(); position++) {
        jsm.deleteMessage(events.streamName(), position);
      }
      counting.eventsRead.set(0);
      ActorState<Counter> loaded = repository.load("counter-1");

      assertThat(loaded.version()).isEqualTo(25);
      assertThat(loaded.state().total()).isEqualTo(25);
      assertThat(counting.eventsRead.get()).isEqualTo(5);
      assertThat(events.read("counter-1", 1).events()).hasSize(5);
    }
  }

  /** Counts the events reads return; delegates everything to the store. */
  private static final class CountingStore implements EventStore {
    private final EventStore delegate;
    private final AtomicInteger eventsRead = new AtomicInteger();

    CountingStore(EventStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Namespace namespace() {
      return delegate.namespace();
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
      return delegate.append(actorId, expected, events);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String actorId, ExpectedVersion expected,
        List<NewEvent> events) {
      return delegate.appendAsync(actorId, expected, events);
    }

    @Override
    public long latestVersion(String actorId) {
      return delegate.latestVersion(actorId);
    }

    @Override
    public ReadResult read(String actorId, long fromVersion, int limit) {
      ReadResult result = delegate.read(actorId, fromVersion, limit);
      eventsRead.addAndGet(result.events().size());
      return result;
    }

    @Override
    public ReadResult readAll(Position from, int limit) {
      return delegate.readAll(from, limit);
    }

    @Override
    public long lastPosition() {
      return delegate.lastPosition();
    }

    @Override
    public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
      return delegate.subscribe(options, handler);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
