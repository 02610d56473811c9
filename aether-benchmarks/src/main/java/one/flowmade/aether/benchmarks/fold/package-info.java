/**
 * The bounded-memory fold: an actor of 1,000,000 events folded through {@code
 * EventStore.fold} in a JVM with {@code -Xmx64m}, against a raw ordered consumer over the same
 * subject in the same kind of JVM ({@link one.flowmade.aether.benchmarks.fold.FoldMain}).
 */
package one.flowmade.aether.benchmarks.fold;
