/**
 * {@link one.flowmade.aether.projection.cluster.ClusteredProjection}: a projection whose
 * partitions (or whose single exclusive instance) run on the cluster nodes that own their shards.
 */
package one.flowmade.aether.projection.cluster;
