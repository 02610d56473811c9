package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.CommandIds;
import one.flowmade.aether.actor.CommandOptions;
import one.flowmade.aether.actor.CommandResult;
import one.flowmade.aether.actor.SnapshotPolicy;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.codec.JacksonStateCodec;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The actor repository on JetStream with the stores' default 30 s retry budgets: one command
 * deadline bounds everything, and a command retried with its command id after an unknown outcome
 * is applied once.
 */
final class ActorRepositoryDeadlineIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  record Added(int amount) {}

  record Total(long sum) {}

  static final ActorModel<Total, Added> MODEL = new ActorModel<>() {
    @Override
    public Total initialState(String actorId) {
      return new Total(0);
    }

    @Override
    public Total apply(Total state, Added event) {
      return new Total(state.sum() + event.amount());
    }
  };

  private Connection connection;
  private JetStreamEventStore events;
  private JetStreamSnapshotStore snapshots;
  private ActorRepository<Total, Added> totals;

  @BeforeEach
  void open() {
    connection = NATS.connect();
    Namespace namespace = Namespace.of("deadline-" + System.nanoTime());
    events = JetStreamEventStore.builder(connection, namespace).build();
    snapshots = JetStreamSnapshotStore.builder(connection, namespace).build();
    totals = ActorRepository.builder(MODEL, Added.class)
        .eventStore(events)
        .codec(JacksonEventCodec.builder().register(Added.class).build())
        .snapshots(snapshots, JacksonStateCodec.of(Total.class))
        .snapshotPolicy(SnapshotPolicy.everyEvents(1))
        .commandTimeout(Duration.ofSeconds(1))
        .build();
  }

  @AfterEach
  void close() throws InterruptedException {
    if (NATS.server().isPaused()) {
      NATS.server().resume();
    }
    snapshots.close();
    events.close();
    connection.close();
  }

  @Test
  void serverPausedBeforeTheCommand_commandFailsAtItsDeadlineNotAtTheStoresBudget() {
    totals.execute("acc", t -> List.of(new Added(1)));

    NATS.server().pause();
    // The stores' own budgets are 30 s each, times the retry policy's attempts before the fix.
    assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
        assertThatThrownBy(() -> totals.execute("acc", t -> List.of(new Added(1))))
            .isInstanceOf(AetherTransientException.class));
    NATS.server().resume();

    assertThat(totals.load("acc").state()).isEqualTo(new Total(1));
  }

  @Test
  void appendOutcomeUnknownAtTheDeadline_retryWithTheSameCommandId_appliesItOnce() {
    totals.execute("acc", t -> List.of(new Added(1)));
    CommandOptions deposit = CommandOptions.defaults().withCommandId("deposit-42");

    assertTimeoutPreemptively(Duration.ofSeconds(15), () ->
        assertThatThrownBy(() -> totals.execute("acc", deposit, t -> {
          NATS.server().pause(); // the publish reaches the socket, its answer never comes
          return List.of(new Added(42));
        })).isInstanceOf(AppendOutcomeUnknownException.class));
    NATS.server().resume();
    CommandResult<Total, Added> retry = totals.execute("acc", deposit.withTimeout(
        Duration.ofSeconds(30)), t -> List.of(new Added(42)));

    assertThat(retry.state().state()).isEqualTo(new Total(43));
    List<Event> stored = events.read("acc", 1).events();
    assertThat(stored).hasSize(2);
    assertThat(stored.get(1).id()).isEqualTo(CommandIds.eventId("acc", "deposit-42", 0));
  }
}
