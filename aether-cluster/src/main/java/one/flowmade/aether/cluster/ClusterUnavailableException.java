package one.flowmade.aether.cluster;

import one.flowmade.aether.AetherTransientException;
import org.jspecify.annotations.Nullable;

/**
 * NATS did not answer a cluster operation in time (not connected, or JetStream busy electing a
 * stream leader). Nothing is known to have changed; the same call may succeed later.
 */
public final class ClusterUnavailableException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what could not be done
   * @param cause the underlying failure, or null
   */
  public ClusterUnavailableException(String message, @Nullable Throwable cause) {
    super(message, cause);
  }
}
