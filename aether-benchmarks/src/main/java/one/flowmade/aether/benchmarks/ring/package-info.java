/**
 * Shard balance and shard moves of Aether's allocation strategy against a plain consistent-hash
 * ring, computed (not timed) for several cluster sizes.
 */
package one.flowmade.aether.benchmarks.ring;
