/**
 * Aether's NATS wire format, shared by the JetStream stores, the NATS bus and the cluster: the
 * CloudEvents NATS binding (binary mode) headers, the subject layout and the injective token
 * encoding ({@code one.flowmade.aether.nats}, public so that any NATS client can read Aether's
 * events), and the JetStream rules every NATS module applies once (error codes, the server-version
 * check, permission-error detection), in {@code one.flowmade.aether.nats.internal}, which only
 * Aether's own modules may read.
 */
module one.flowmade.aether.nats {
  requires transitive one.flowmade.aether.core;
  requires transitive io.nats.jnats;
  requires static transitive org.jspecify; // @Nullable in the exported API

  exports one.flowmade.aether.nats;
  exports one.flowmade.aether.nats.internal to
      one.flowmade.aether.store.jetstream,
      one.flowmade.aether.bus,
      one.flowmade.aether.cluster,
      one.flowmade.aether.projections,
      one.flowmade.aether.admin,
      one.flowmade.aether.testkit;
}
