/**
 * The JetStream rules Aether's NATS modules (stores, bus, cluster, test kit) share, written once:
 * {@link one.flowmade.aether.nats.internal.JetStreamErrors error codes}, the {@link
 * one.flowmade.aether.nats.internal.ServerVersion server-version check} and {@link
 * one.flowmade.aether.nats.internal.PermissionViolations permission-error detection}. Exported
 * only to Aether's own modules; not an API for applications, and it may change in any release.
 */
package one.flowmade.aether.nats.internal;
