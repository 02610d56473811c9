/**
 * Hosted actors: an actor's commands run on the cluster node that owns its shard, one at a time,
 * with its state cached in memory while the shard is owned. {@link
 * one.flowmade.aether.cluster.actor.ActorHost} runs registered {@link
 * one.flowmade.aether.cluster.actor.ActorType actor types} on a node; {@link
 * one.flowmade.aether.cluster.actor.ActorClient} sends commands to them from any process. See
 * {@code docs/actors.md}.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} (at once
 * and naming the parameter, where the method checks its arguments): fix the call. Each
 * method's {@code @throws} clauses name the other exceptions it can throw and what the caller
 * should do.
 */
package one.flowmade.aether.cluster.actor;
