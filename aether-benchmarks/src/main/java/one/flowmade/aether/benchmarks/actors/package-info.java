/**
 * Hosted actors against the reload-per-command path: the same commands on actors with the same
 * history and snapshot policy, executed through {@link one.flowmade.aether.actor.ActorRepository}
 * (every command loads the actor) and through {@link
 * one.flowmade.aether.cluster.actor.ActorClient} to an {@link
 * one.flowmade.aether.cluster.actor.ActorHost} on one cluster node (state cached), on R1 and R3;
 * the heap retained per cached hosted actor; and the bank-app shape ({@link
 * one.flowmade.aether.benchmarks.actors.BankApp}): three node processes ({@link
 * one.flowmade.aether.benchmarks.actors.BankNodeMain}) depositing into 20 shared accounts on R3,
 * hosted against reload per command. Run with {@code --only actors}.
 */
package one.flowmade.aether.benchmarks.actors;
