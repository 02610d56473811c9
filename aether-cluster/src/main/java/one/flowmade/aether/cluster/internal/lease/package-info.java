/**
 * Leases on the monotonic clock and the leader lease: campaign, renewal, loss and resignation. Not
 * exported.
 */
package one.flowmade.aether.cluster.internal.lease;
