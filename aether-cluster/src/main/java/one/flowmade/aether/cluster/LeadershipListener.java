package one.flowmade.aether.cluster;

import java.util.Optional;

/**
 * Hears about leader election, as seen by one {@link ClusterNode}.
 *
 * <p>Every method has a no-op default. Calls come one at a time on the node's event thread
 * ({@code aether-cluster-<node>-events}); they must not block for long and must not call {@link
 * ClusterNode#close()}. A listener that throws is logged and otherwise ignored.
 *
 * <p>The calls report what already happened: a node's term starts when its lease is granted and
 * ends on its own clock (see {@link Leadership#isValid()}), whether or not a listener has been
 * told yet. Code that must not act without being leader checks {@link Leadership#isValid()} right
 * before it acts and passes {@link Leadership#fencingToken()} to the systems it writes to.
 */
public interface LeadershipListener {

  /**
   * This node became leader.
   *
   * @param leadership the new term
   */
  default void elected(Leadership leadership) {}

  /**
   * This node stopped being leader: it resigned, could not renew its lease in time, or found the
   * lease taken.
   *
   * @param leadership the term that ended
   */
  default void revoked(Leadership leadership) {}

  /**
   * The leader this node sees changed.
   *
   * @param leaderId the leader's node id, or empty while the cluster has no leader
   */
  default void leaderChanged(Optional<String> leaderId) {}
}
