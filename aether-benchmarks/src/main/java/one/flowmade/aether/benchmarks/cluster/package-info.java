/**
 * Cluster scenarios: leader failover and shard reassignment after the leader node's process is
 * killed (SIGKILL), against a raw-jnats KV lease with the same TTL, and the heap of a node run
 * with {@code -Xmx64m}. Each node is its own JVM ({@link
 * one.flowmade.aether.benchmarks.cluster.ClusterNodeMain}), so killing it is a real crash.
 * {@link one.flowmade.aether.benchmarks.cluster.ChildJvm} starts such child JVMs and talks to them
 * in lines, here and in the actors part.
 */
package one.flowmade.aether.benchmarks.cluster;
