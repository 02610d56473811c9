package one.flowmade.aether.actor;

/**
 * What an actor is: its state before any event, and how each event changes it. The model knows
 * nothing about storage; an {@link ActorRepository} runs it.
 *
 * <p>{@link #apply} must be a pure function of its arguments (no I/O, no clock), so replaying the
 * same events always gives the same state. Implementations must be thread-safe (stateless is
 * simplest); states should be immutable.
 *
 * @param <S> the state type
 * @param <E> the event type (usually a sealed interface of records)
 */
public interface ActorModel<S, E> {

  /**
   * Returns the state of an actor that has no events.
   *
   * @param actorId the actor
   * @return the initial state
   */
  S initialState(String actorId);

  /**
   * Folds one event into the state.
   *
   * @param state the state before the event
   * @param event the event
   * @return the state after the event
   */
  S apply(S state, E event);
}
