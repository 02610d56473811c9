/**
 * Aether cluster: membership, leader election with fencing tokens, shard assignment and handoff,
 * and routing of messages to the node that owns an actor, all on NATS JetStream key-value
 * buckets with per-key TTLs.
 */
module one.flowmade.aether.cluster {
  requires transitive one.flowmade.aether.core;
  requires one.flowmade.aether.nats;
  requires transitive io.nats.jnats;
  requires com.github.benmanes.caffeine;
  requires static micrometer.core;
  requires static io.opentelemetry.api;

  exports one.flowmade.aether.cluster;
  exports one.flowmade.aether.cluster.actor;
}
