/**
 * Shard allocation: the default balanced strategy, the leader's assignment planner, and the
 * assignment's wire encoding. Not exported.
 */
package one.flowmade.aether.cluster.internal.allocation;
