/**
 * Implementation of the cluster, not exported: what the public API of {@code
 * one.flowmade.aether.cluster} is built from.
 */
package one.flowmade.aether.cluster.internal;
