package one.flowmade.aether.actor;

import java.util.List;

/**
 * Decides which events a command produces, given the actor's current state. May be called more
 * than once for one command when a concurrent append forces a retry, so it must not have side
 * effects; throw to reject the command.
 *
 * @param <S> the state type
 * @param <E> the event type
 */
@FunctionalInterface
public interface Decider<S, E> {

  /**
   * Decides.
   *
   * @param state the actor's current state
   * @return the events to append, possibly none
   */
  List<? extends E> decide(S state);
}
