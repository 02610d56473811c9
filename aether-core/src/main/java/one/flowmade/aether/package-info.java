/**
 * The event-sourcing API: {@link one.flowmade.aether.Event}s and the {@link
 * one.flowmade.aether.EventStore} that holds them per {@link one.flowmade.aether.Namespace},
 * expected versions, positions, subscriptions, {@link one.flowmade.aether.Snapshot}s and the
 * exception hierarchy rooted at {@link one.flowmade.aether.AetherException}.
 */
package one.flowmade.aether;
