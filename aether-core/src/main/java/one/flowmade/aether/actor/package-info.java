/**
 * The generic actor abstraction: an {@link one.flowmade.aether.actor.ActorModel} (initial state
 * and fold) run by an {@link one.flowmade.aether.actor.ActorRepository} that loads the latest
 * snapshot plus the events after it, appends decided events with optimistic concurrency, retries
 * conflicts with jittered backoff and takes snapshots by policy.
 *
 * <p>Parameters are not null unless their documentation allows it ("or null"); a null where none
 * is allowed is a programming error and throws {@link java.lang.NullPointerException} naming the
 * parameter: fix the call. The {@code @throws} clauses of each method name the other exceptions
 * it can throw and what the caller should do.
 */
package one.flowmade.aether.actor;
