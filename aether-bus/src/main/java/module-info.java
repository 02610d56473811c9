/**
 * Aether's event buses: {@link one.flowmade.aether.bus.local.LocalEventBus} within one process and
 * {@link one.flowmade.aether.bus.nats.NatsEventBus} between processes over NATS. The API they
 * implement is {@link one.flowmade.aether.bus.EventBus} in {@code aether-core}.
 */
module one.flowmade.aether.bus {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires transitive io.nats.jnats;
  // Optional: only a bus given a MeterRegistry loads Micrometer classes. Not transitive (as
  // OpenTelemetry in aether-core's module): javac would need Micrometer on the module path of
  // every module that reads this one, also of those that never pass a MeterRegistry.
  requires static micrometer.core;
  // Optional: only a bus given an OpenTelemetry loads its classes (see aether-core's module).
  requires static io.opentelemetry.api;

  exports one.flowmade.aether.bus.local;
  exports one.flowmade.aether.bus.nats;
}
