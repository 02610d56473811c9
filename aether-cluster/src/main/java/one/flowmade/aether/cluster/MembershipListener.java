package one.flowmade.aether.cluster;

/**
 * Hears about nodes joining and leaving the cluster, as seen by one {@link ClusterNode}.
 *
 * <p>Every method has a no-op default; implement the ones you need. Calls come one at a time, in
 * the order the changes were recorded in NATS, on the node's event thread ({@code
 * aether-cluster-<node>-events}); they must not block for long (shard handoffs wait for them) and
 * must not call {@link ClusterNode#close()}. A listener that throws is logged and otherwise
 * ignored.
 *
 * <p>When a node joins, its listener first hears {@code joined} for every member already there,
 * itself included. A node that restarts under the same id shows up as {@code failed} (or {@code
 * left}) for the old incarnation and {@code joined} for the new one.
 */
public interface MembershipListener {

  /**
   * A node joined (or was already a member when this node joined).
   *
   * @param member the new member
   */
  default void joined(Member member) {}

  /**
   * A node left gracefully: it released its shards and deleted its membership.
   *
   * @param member the member that left
   */
  default void left(Member member) {}

  /**
   * A node stopped renewing its membership and its membership expired (it crashed, hung, or lost
   * its connection to NATS for longer than the membership TTL). It had stopped acting as an owner
   * or leader before its membership expired.
   *
   * @param member the member that failed
   */
  default void failed(Member member) {}
}
