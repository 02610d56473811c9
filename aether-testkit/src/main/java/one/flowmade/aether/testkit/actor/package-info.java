/**
 * Given-when-then fixtures for actor models ({@link one.flowmade.aether.testkit.actor.ActorFixture}),
 * running without any store.
 */
package one.flowmade.aether.testkit.actor;
