/**
 * Administration of Aether's namespaces on NATS: the {@code nats-server} configuration that makes a
 * namespace a security boundary (one account per namespace, with an application and a provisioning
 * role), and its equivalent for operator (JWT) mode as {@code nsc} commands. Everything is derived
 * from the subject layout Aether's stores, bus and cluster use. See {@code docs/security.md}.
 */
module one.flowmade.aether.admin {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires static transitive org.jspecify; // @Nullable in the exported API
  requires transitive io.nats.jnats;

  exports one.flowmade.aether.admin;
}
