/**
 * Aether's {@link one.flowmade.aether.EventStore} and {@link one.flowmade.aether.SnapshotStore} on
 * NATS JetStream (server 2.12 or newer).
 */
module one.flowmade.aether.store.jetstream {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires transitive io.nats.jnats;
  // Optional: only a store given a MeterRegistry loads Micrometer classes.
  // Optional: builders take a MeterRegistry; transitive so that users who pass one can read it.
  requires static transitive micrometer.core;
  // Optional: only a store given an OpenTelemetry loads its classes (see aether-core's module).
  requires static io.opentelemetry.api;

  exports one.flowmade.aether.jetstream;
}
