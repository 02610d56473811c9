package one.flowmade.aether.cluster.actor;

import one.flowmade.aether.AetherTransientException;
import org.jspecify.annotations.Nullable;

/**
 * A hosted command failed on its owner for a reason other than a rejection: the store could not
 * be reached, the outcome of its append is unknown, the node lost the actor's shard while it ran,
 * or an event could not be decoded. The message names the failure (its class and message on the
 * owner). Whether anything was stored is not known: send the command again <em>with the same
 * command id</em>, which applies it at most once.
 */
public final class HostedCommandException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the local cause, if any
   */
  public HostedCommandException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
