/**
 * Aether's in-memory event and snapshot stores, with the semantics of the JetStream stores.
 */
module one.flowmade.aether.store.memory {
  requires transitive one.flowmade.aether.core;
  requires static transitive org.jspecify; // @Nullable in the exported API

  exports one.flowmade.aether.memory;
}
