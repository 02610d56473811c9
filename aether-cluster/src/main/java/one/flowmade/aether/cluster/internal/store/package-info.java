/**
 * The cluster's key-value bucket: its layout (keys, TTLs, markers), compare-and-set writes, the
 * watch, and the JSON encoding of its values. Not exported.
 */
package one.flowmade.aether.cluster.internal.store;
