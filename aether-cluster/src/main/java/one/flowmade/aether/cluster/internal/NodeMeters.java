package one.flowmade.aether.cluster.internal;

import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.internal.routing.RouterMeters;

/**
 * What a node's parts report to its meters. {@link #NONE} (no registry) does nothing and loads
 * no Micrometer class. Implementations are thread-safe and never throw.
 */
public interface NodeMeters {

  /** The meters of a node without a registry. */
  NodeMeters NONE = new NodeMeters() { };

  /** This node applied a new shard assignment (a rebalance). */
  default void assignmentApplied() {}

  /**
   * This node released a shard.
   *
   * @param reason why
   * @param nanos how long the release took: waiting for the shard's running handlers, stopping
   *     serving it and the shard listener
   */
  default void released(ReleaseReason reason, long nanos) {}

  /**
   * A renewal of one of this node's leases failed (NATS did not answer); it is retried.
   *
   * @param lease {@code membership} or {@code leader}
   */
  default void renewalFailed(String lease) {}

  /**
   * Returns the meters of the node's router, removed with the node's.
   *
   * @return the router's meters ({@link RouterMeters#NONE} without a registry)
   */
  default RouterMeters router() {
    return RouterMeters.NONE;
  }

  /** Removes the node's meters from the registry; later reports are ignored. */
  default void remove() {}
}
