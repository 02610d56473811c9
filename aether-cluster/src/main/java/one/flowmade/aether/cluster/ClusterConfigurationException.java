package one.flowmade.aether.cluster;

import one.flowmade.aether.AetherNonTransientException;

/**
 * The cluster's configuration in NATS does not fit this node: a different shard count, or a key
 * value bucket created without per-key TTLs. The message names what was found and what was
 * expected. Retrying does not help until the configuration is changed.
 */
public final class ClusterConfigurationException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what does not fit
   */
  public ClusterConfigurationException(String message) {
    super(message, null);
  }
}
