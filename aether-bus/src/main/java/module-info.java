/**
 * Aether's event buses: {@link one.flowmade.aether.bus.local.LocalEventBus} within one process and
 * {@link one.flowmade.aether.bus.nats.NatsEventBus} between processes over NATS. The API they
 * implement is {@link one.flowmade.aether.bus.EventBus} in {@code aether-core}.
 */
module one.flowmade.aether.bus {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires transitive io.nats.jnats;
  // Optional: only a bus given a MeterRegistry loads Micrometer classes.
  // Optional: builders take a MeterRegistry; transitive so that users who pass one can read it.
  requires static transitive micrometer.core;
  // Optional: only a bus given an OpenTelemetry loads its classes (see aether-core's module).
  requires static io.opentelemetry.api;

  exports one.flowmade.aether.bus.local;
  exports one.flowmade.aether.bus.nats;
}
