package one.flowmade.aether.cluster;

import one.flowmade.aether.AetherTransientException;
import org.jspecify.annotations.Nullable;

/**
 * A node could not join its cluster within the join timeout: its node id was held by another
 * live incarnation (another process with the same id, or this process's previous run whose
 * membership has not expired yet), or NATS did not answer. The message says which. Joining again
 * later may succeed.
 */
public final class ClusterJoinException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the node could not join
   * @param cause the underlying failure, or null
   */
  public ClusterJoinException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
