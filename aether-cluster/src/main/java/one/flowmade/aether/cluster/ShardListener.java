package one.flowmade.aether.cluster;

/**
 * Hears about the shards one {@link ClusterNode} owns: start an actor's work in {@link
 * #acquired}, stop it in {@link #released}.
 *
 * <p>Every method has a no-op default. Calls come one at a time on the node's event thread
 * ({@code aether-cluster-<node>-events}) and must not call {@link ClusterNode#close()}. The
 * handoff waits for them: a node confirms that it released a shard only after {@code released}
 * returned, and the next owner's {@code acquired} comes only after that confirmation (or after
 * the old owner's membership expired). So when {@code released} returns, the work of the shard
 * must have stopped. A listener that throws is logged and otherwise ignored.
 *
 * <p>For a given shard on a given node, {@code acquired} and {@code released} alternate, starting
 * with {@code acquired}.
 */
public interface ShardListener {

  /**
   * This node now owns the shard: no other node owns it until this node releases it or loses its
   * membership.
   *
   * @param shard the shard
   * @param epoch the epoch of the assignment under which it was acquired
   */
  default void acquired(int shard, long epoch) {}

  /**
   * This node no longer owns the shard. By the time this runs the shard's gate is already closed:
   * {@link ClusterNode#ownsShard(int)} answers {@code false} and no new routed request enters it.
   * Work of the shard still finishing in this call (a unit of work to commit before stopping)
   * must therefore not use {@code ownsShard} as its commit check; use its own "release has not
   * finished" flag together with {@link ClusterNode#isMember()}, or the shard's epoch, as {@code
   * aether-projections-cluster}'s {@code ClusteredProjection} does.
   *
   * @param shard the shard
   * @param epoch the epoch of the assignment this node had applied when it released the shard
   * @param reason why
   */
  default void released(int shard, long epoch, ReleaseReason reason) {}

  /**
   * This node saw a new assignment published by the leader. It comes before the releases and
   * acquisitions the assignment causes on this node.
   *
   * @param assignment the new assignment
   */
  default void assignmentChanged(ShardAssignment assignment) {}
}
