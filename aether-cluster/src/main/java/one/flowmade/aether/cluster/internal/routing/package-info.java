/**
 * Routing: the shard subjects, the reply protocol, the endpoint that answers requests for the
 * shards a node owns, and a router's request with its attempts and backoff. Not exported.
 */
package one.flowmade.aether.cluster.internal.routing;
