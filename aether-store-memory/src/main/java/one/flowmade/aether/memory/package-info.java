/**
 * In-memory stores: {@link one.flowmade.aether.memory.InMemoryEventStore} and {@link
 * one.flowmade.aether.memory.InMemorySnapshotStore}, which keep one namespace's events and
 * snapshots in memory with the semantics of the JetStream stores, for tests and for
 * single-process applications that need no durability. Both pass the contract suites of {@code
 * aether-testkit}.
 */
package one.flowmade.aether.memory;
