/**
 * Aether projections scaled out over an Aether cluster: a projection runs exclusive (one instance
 * per cluster) or split into partitions by actor hash, each partition on the node that owns its
 * shard, handed over on join, leave and crash, and fenced by the shard's assignment epoch.
 */
module one.flowmade.aether.projections.cluster {
  requires transitive one.flowmade.aether.projections;
  requires transitive one.flowmade.aether.cluster;
  // Transitive: the exported shardListener(ShardListener) shows @Nullable (javac warns otherwise).
  requires static transitive org.jspecify;

  exports one.flowmade.aether.projection.cluster;
}
