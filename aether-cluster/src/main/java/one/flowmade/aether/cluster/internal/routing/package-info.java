/**
 * Routing: the shard subjects, the reply protocol, and the endpoint that answers requests for the
 * shards a node owns. Not exported.
 */
package one.flowmade.aether.cluster.internal.routing;
