/**
 * Membership: the member records, joining, heartbeats, rejoining as a new incarnation, leaving.
 * Not exported.
 */
package one.flowmade.aether.cluster.internal.membership;
