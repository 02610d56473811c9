/**
 * Aether's {@link one.flowmade.aether.EventStore} and {@link one.flowmade.aether.SnapshotStore} on
 * NATS JetStream (server 2.12 or newer).
 */
module one.flowmade.aether.store.jetstream {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires transitive io.nats.jnats;
  // Optional: only a store given a MeterRegistry loads Micrometer classes. Not transitive (as
  // OpenTelemetry in aether-core's module): javac would need Micrometer on the module path of
  // every module that reads this one, also of those that never pass a MeterRegistry.
  requires static micrometer.core;
  // Optional: only a store given an OpenTelemetry loads its classes (see aether-core's module).
  requires static io.opentelemetry.api;

  exports one.flowmade.aether.jetstream;
}
