/**
 * Namespaces as a security boundary on NATS: {@link
 * one.flowmade.aether.verification.security.NamespacePermissions} generates the publish and
 * subscribe permissions that let a NATS user use exactly one namespace's streams, subjects and
 * key-value bucket, and {@link one.flowmade.aether.verification.security.PermissionViolations}
 * makes the server's asynchronous permission errors visible. {@code docs/security.md} explains
 * the model.
 */
package one.flowmade.aether.verification.security;
