package one.flowmade.aether.cluster.actor;

import java.util.List;

/**
 * Decides the events a command produces on an actor's current state. Runs on the actor's owner
 * node, one command at a time per actor; must not have side effects (it may run again after a
 * conflict). Commands of different actors run at the same time on the node's handler executor
 * threads, so a handler shared by an actor type must be thread-safe; the command's thread waits
 * while it runs, so it should not block (a slow handler holds the actor's turn and counts
 * against the sender's timeout). Throw to reject the command: the sender gets a {@link CommandOutcome.Status#REJECTED}
 * outcome with the exception's message.
 *
 * @param <S> the state type
 * @param <E> the event type
 * @param <C> the command type
 */
@FunctionalInterface
public interface CommandHandler<S, E, C> {

  /**
   * Decides.
   *
   * @param state the actor's current state
   * @param command the command
   * @return the events to append, possibly none
   * @throws RuntimeException any, to reject the command: nothing is appended and the sender gets
   *     {@link CommandOutcome.Status#REJECTED} with the exception's message (an {@link Error} is
   *     not caught)
   */
  List<? extends E> handle(S state, C command);
}
