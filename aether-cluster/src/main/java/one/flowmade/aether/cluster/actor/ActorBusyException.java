package one.flowmade.aether.cluster.actor;

import one.flowmade.aether.AetherTransientException;

/**
 * The owner of an actor refused a command because the actor's mailbox or the node's bound of
 * pending commands is full; nothing was done. Retry later (with the same command id), or slow
 * down.
 */
public final class ActorBusyException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which bound was reached
   */
  public ActorBusyException(String message) {
    super(message, null);
  }
}
