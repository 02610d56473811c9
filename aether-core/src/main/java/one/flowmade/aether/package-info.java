/**
 * The event-sourcing API: {@link one.flowmade.aether.Event}s and the {@link
 * one.flowmade.aether.EventStore} that holds them per {@link one.flowmade.aether.Namespace},
 * expected versions, positions, subscriptions, {@link one.flowmade.aether.Snapshot}s and the
 * exception hierarchy rooted at {@link one.flowmade.aether.AetherException}.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} naming the
 * parameter: fix the call. The {@code @throws} clauses of each method name the other exceptions
 * it can throw and what the caller should do.
 */
package one.flowmade.aether;
