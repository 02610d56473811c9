/**
 * The JetStream event store and snapshot store: {@link
 * one.flowmade.aether.jetstream.JetStreamEventStore} keeps each namespace's events in one stream,
 * one CloudEvents message per event; {@link one.flowmade.aether.jetstream.JetStreamSnapshotStore}
 * keeps the latest snapshot of each actor. Both are built from a caller-owned jnats {@code
 * Connection}, check the server version, and create or adopt their streams.
 *
 * <p>Public here: the two stores and their builders, and the configuration values {@link
 * one.flowmade.aether.jetstream.RetryBudget} and {@link one.flowmade.aether.jetstream.DataSize},
 * and {@link one.flowmade.aether.jetstream.IncompatibleStreamException}. Everything else in the
 * package is implementation. The layout on NATS, the guarantees and the failover behaviour are
 * described in {@code docs/jetstream-store.md}.
 */
package one.flowmade.aether.jetstream;
