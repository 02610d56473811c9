package one.flowmade.aether.cluster;

import java.util.Optional;

/**
 * Leader election as one {@link ClusterNode} takes part in it: at most one node of the cluster is
 * leader at any time, and each term has a fencing token larger than every earlier term's.
 *
 * <p>Every member campaigns when it sees no leader (at start, when the leader resigns and deletes
 * the lease key, or when the lease key expires), and the one whose compare-and-set create of the
 * lease key succeeds wins. The leader renews the lease well before it expires and steps down on
 * its own clock before the lease can expire on the server; a leader that closes resigns, so a
 * successor takes over at once.
 *
 * <p>Implementations are thread-safe and non-blocking.
 */
public interface LeaderElection {

  /**
   * Returns whether this node is leader now, on its own clock.
   *
   * @return true while this node holds a valid term
   */
  boolean isLeader();

  /**
   * Returns this node's current term, if it is leader now.
   *
   * @return the term, or empty when this node is not leader
   */
  Optional<Leadership> leadership();

  /**
   * Returns the leader as this node last saw it in the cluster's lease key. It may lag behind
   * the cluster by the time it takes a change to reach this node.
   *
   * @return the leader's node id, or empty while there is no leader
   */
  Optional<String> leaderId();
}
