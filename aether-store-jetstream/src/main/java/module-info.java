/**
 * Aether's {@link one.flowmade.aether.EventStore} and {@link one.flowmade.aether.SnapshotStore} on
 * NATS JetStream (server 2.12 or newer).
 */
module one.flowmade.aether.store.jetstream {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires transitive io.nats.jnats;

  exports one.flowmade.aether.jetstream;
}
