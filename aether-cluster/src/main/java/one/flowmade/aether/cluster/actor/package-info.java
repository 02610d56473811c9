/**
 * Hosted actors: an actor's commands run on the cluster node that owns its shard, one at a time,
 * with its state cached in memory while the shard is owned. {@link
 * one.flowmade.aether.cluster.actor.ActorHost} runs registered {@link
 * one.flowmade.aether.cluster.actor.ActorType actor types} on a node; {@link
 * one.flowmade.aether.cluster.actor.ActorClient} sends commands to them from any process. See
 * {@code docs/actors.md}.
 */
package one.flowmade.aether.cluster.actor;
