package one.flowmade.aether.testkit.actor;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.Decider;
import one.flowmade.aether.codec.EventCodec;
import org.jspecify.annotations.Nullable;

/**
 * Given-when-then tests for an {@link ActorModel} and its deciders, without a store:
 *
 * <pre>{@code
 * ActorFixture.of(Account.MODEL, "acc-1")
 *     .given(new Opened("Ada"), new Deposited(100))
 *     .when(account -> account.withdraw(30))
 *     .expectEvents(new Withdrawn(30))
 *     .expectState(account -> assertThat(account.balanceCents()).isEqualTo(70));
 * }</pre>
 *
 * <p>With {@link #codec(EventCodec)} every given and decided event is also encoded and decoded,
 * so a test fails when an event class is not registered or does not survive the round trip.
 * Failures are {@link AssertionError}s that say what was expected and what happened.
 *
 * <p>Not thread-safe: use one fixture per test.
 *
 * @param <S> the state type
 * @param <E> the event type
 */
public final class ActorFixture<S, E> {

  private final ActorModel<S, E> model;
  private final String actorId;
  private @Nullable EventCodec codec;

  private ActorFixture(ActorModel<S, E> model, String actorId) {
    this.model = model;
    this.actorId = actorId;
  }

  /**
   * Returns a fixture for one actor of a model.
   *
   * @param model the model under test
   * @param actorId the actor id passed to {@link ActorModel#initialState(String)}
   * @param <S> the state type
   * @param <E> the event type
   * @return the fixture
   */
  public static <S, E> ActorFixture<S, E> of(ActorModel<S, E> model, String actorId) {
    return new ActorFixture<>(Objects.requireNonNull(model, "model"),
        Objects.requireNonNull(actorId, "actorId"));
  }

  /**
   * Also round-trips every event through this codec.
   *
   * @param codec the codec the application uses
   * @return this fixture
   */
  public ActorFixture<S, E> codec(EventCodec codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
    return this;
  }

  /**
   * Sets the actor's history.
   *
   * @param history the events already stored, oldest first
   * @return the stage that takes the command
   */
  @SafeVarargs
  public final Given given(E... history) {
    List<E> events = new ArrayList<>(history.length);
    for (E event : history) {
      events.add(event);
    }
    return new Given(events);
  }

  /**
   * Sets the actor's history.
   *
   * @param history the events already stored, oldest first
   * @return the stage that takes the command
   */
  public Given given(List<? extends E> history) {
    return new Given(List.copyOf(history));
  }

  private E roundTrip(E event) {
    if (codec == null) {
      return event;
    }
    Object decoded = codec.decode(codec.typeOf(event.getClass()), codec.encode(event));
    if (!event.equals(decoded)) {
      throw new AssertionError("event does not survive the codec round trip: " + event
          + " came back as " + decoded);
    }
    @SuppressWarnings("unchecked")
    E typed = (E) decoded;
    return typed;
  }

  /** The actor with its history, waiting for a command. */
  public final class Given {
    private final List<? extends E> history;

    private Given(List<? extends E> history) {
      this.history = history;
    }

    /**
     * Runs a decider on the state the history folds into.
     *
     * @param decider the command
     * @return the outcome, to check
     */
    public Then when(Decider<S, E> decider) {
      Objects.requireNonNull(decider, "decider");
      S state = model.initialState(actorId);
      for (E event : history) {
        state = model.apply(state, roundTrip(event));
      }
      List<? extends E> raw;
      try {
        raw = decider.decide(state);
      } catch (RuntimeException e) {
        return new Then(List.of(), state, e);
      }
      List<E> decided = new ArrayList<>();
      for (E event : raw) {
        decided.add(roundTrip(event));
      }
      S after = state;
      for (E event : decided) {
        after = model.apply(after, event);
      }
      return new Then(decided, after, null);
    }
  }

  /** What a command did: the decided events and the state after them, or the rejection. */
  public final class Then {
    private final List<E> events;
    private final S state;
    private final @Nullable RuntimeException rejection;

    private Then(List<E> events, S state, @Nullable RuntimeException rejection) {
      this.events = events;
      this.state = state;
      this.rejection = rejection;
    }

    /**
     * Expects exactly these events, in this order.
     *
     * @param expected the events
     * @return this stage
     * @throws AssertionError if the command was rejected or decided other events
     */
    @SafeVarargs
    public final Then expectEvents(E... expected) {
      requireNotRejected();
      List<E> wanted = new ArrayList<>(expected.length);
      for (E event : expected) {
        wanted.add(event);
      }
      if (!events.equals(wanted)) {
        throw new AssertionError("expected events " + wanted + " but the command decided "
            + events);
      }
      return this;
    }

    /**
     * Expects the command to decide no events.
     *
     * @return this stage
     */
    public Then expectNoEvents() {
      return expectEvents();
    }

    /**
     * Checks the state after the decided events.
     *
     * @param assertions assertions on the state
     * @return this stage
     */
    public Then expectState(Consumer<S> assertions) {
      requireNotRejected();
      assertions.accept(state);
      return this;
    }

    /**
     * Expects the command to be rejected with an exception of this type whose message contains
     * the given text.
     *
     * @param type the exception type
     * @param messagePart text the message must contain
     * @return this stage
     */
    public Then expectRejection(Class<? extends RuntimeException> type, String messagePart) {
      if (rejection == null) {
        throw new AssertionError("expected a rejection with " + type.getName()
            + " but the command decided " + events);
      }
      if (!type.isInstance(rejection) || rejection.getMessage() == null
          || !rejection.getMessage().contains(messagePart)) {
        throw new AssertionError("expected a rejection with " + type.getName() + " containing '"
            + messagePart + "' but got " + rejection, rejection);
      }
      return this;
    }

    private void requireNotRejected() {
      if (rejection != null) {
        throw new AssertionError("the command was rejected: " + rejection, rejection);
      }
    }
  }
}
