/**
 * Shard ownership and handoff: the gate a shard's requests pass, applying assignments behind the
 * release barrier. Not exported.
 */
package one.flowmade.aether.cluster.internal.ownership;
