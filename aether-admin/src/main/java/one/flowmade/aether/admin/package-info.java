/**
 * Configuration generators for namespace isolation on NATS: {@link
 * one.flowmade.aether.admin.NamespaceResources} (every NATS name a namespace uses), {@link
 * one.flowmade.aether.admin.Role} (what the application and the provisioner may do), {@link
 * one.flowmade.aether.admin.NamespaceAccount} (a namespace's account, limits and users), {@link
 * one.flowmade.aether.admin.ServerConfiguration} (the {@code nats-server} configuration) and
 * {@link one.flowmade.aether.admin.NscCommands} (operator mode).
 */
package one.flowmade.aether.admin;
