package one.flowmade.aether.actor;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import one.flowmade.aether.AppendResult;

/**
 * The outcome of {@link ActorRepository#execute}: the state after the command, what was appended,
 * and how many attempts it took. Immutable if {@code S} and {@code E} are.
 *
 * @param state the actor's state after the appended events
 * @param events the events appended, empty if the decider decided none
 * @param append the append's result, empty if nothing was appended
 * @param attempts how many times the decider ran (1 without conflicts; 0 if the command had
 *     already been applied)
 * @param alreadyApplied true if a command with the same command id had been applied before: then
 *     nothing was appended now, {@code events} and {@code append} are those of the earlier
 *     execution and {@code state} is the actor's current state
 * @param <S> the state type
 * @param <E> the event type
 */
public record CommandResult<S, E>(ActorState<S> state, List<E> events,
    Optional<AppendResult> append, int attempts, boolean alreadyApplied) {

  /**
   * Copies the event list.
   *
   * @throws NullPointerException if a field is null
   */
  public CommandResult {
    Objects.requireNonNull(state, "state");
    events = List.copyOf(events);
    Objects.requireNonNull(append, "append");
  }

  /**
   * Creates the result of a command executed now (not {@link #alreadyApplied()}).
   *
   * @param state the actor's state after the appended events
   * @param events the events appended
   * @param append the append's result, empty if nothing was appended
   * @param attempts how many times the decider ran
   */
  public CommandResult(ActorState<S> state, List<E> events, Optional<AppendResult> append,
      int attempts) {
    this(state, events, append, attempts, false);
  }
}
