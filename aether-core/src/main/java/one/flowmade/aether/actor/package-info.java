/**
 * The generic actor abstraction: an {@link one.flowmade.aether.actor.ActorModel} (initial state
 * and fold) run by an {@link one.flowmade.aether.actor.ActorRepository} that loads the latest
 * snapshot plus the events after it, appends decided events with optimistic concurrency, retries
 * conflicts with jittered backoff and takes snapshots by policy.
 */
package one.flowmade.aether.actor;
