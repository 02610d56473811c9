/**
 * Cluster management on NATS: a {@link one.flowmade.aether.cluster.ClusterNode} joins a named
 * cluster, sees the other {@link one.flowmade.aether.cluster.Member}s come and go, takes part in
 * {@link one.flowmade.aether.cluster.LeaderElection leader election} (one leader at a time, with a
 * monotonically increasing fencing token), owns the shards the leader's {@link
 * one.flowmade.aether.cluster.ShardAssignment} gives it (never two owners of a shard at once), and
 * answers messages sent through a {@link one.flowmade.aether.cluster.ClusterRouter} to the actors
 * of those shards.
 *
 * <p>Actors map to shards with {@link one.flowmade.aether.cluster.Sharding} (a stable, documented
 * hash); shards map to nodes with an {@link one.flowmade.aether.cluster.AllocationStrategy}, by
 * default a balanced one built on a consistent {@link one.flowmade.aether.cluster.HashRing}.
 *
 * <p>The protocol, its timings and its failure behaviour are described in {@code docs/cluster.md}.
 * Everything not public in this package is implementation.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} (at once
 * and naming the parameter, where the method checks its arguments): fix the call. Each
 * method's {@code @throws} clauses name the other exceptions it can throw and what the caller
 * should do.
 */
package one.flowmade.aether.cluster;
