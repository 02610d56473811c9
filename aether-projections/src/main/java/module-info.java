/**
 * Aether projections: named, checkpointed consumers of a namespace's events that maintain read
 * models, with checkpoint stores in memory, in NATS KV and in a JDBC database (exactly-once
 * effects), a NATS KV read model whose rows commit with the checkpoint in one atomic batch
 * (exactly-once effects without a database), an error policy with a parking list, and reset.
 */
module one.flowmade.aether.projections {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires static transitive org.jspecify; // @Nullable in the exported API
  requires transitive io.nats.jnats;
  requires transitive java.sql;
  // Optional: only a projection given a MeterRegistry loads Micrometer classes (not transitive,
  // as in aether-store-jetstream's module).
  requires static micrometer.core;
  // Optional: only a projection given an OpenTelemetry loads its classes (see aether-core's).
  requires static io.opentelemetry.api;

  exports one.flowmade.aether.projection;
}
