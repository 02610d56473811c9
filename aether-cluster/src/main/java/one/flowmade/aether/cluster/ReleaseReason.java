package one.flowmade.aether.cluster;

/** Why a node stopped owning a shard; passed to {@link ShardListener#released}. */
public enum ReleaseReason {

  /** A newer assignment gives the shard to another node (or to no node). */
  REASSIGNED,

  /**
   * This node could not renew its membership in time. Its ownership ended on its own clock at the
   * lease deadline, before anyone else could take the shard; the call comes afterwards, as soon as
   * the event thread gets to it.
   */
  MEMBERSHIP_LOST,

  /** This node is leaving the cluster ({@link ClusterNode#close()}). */
  LEAVING
}
