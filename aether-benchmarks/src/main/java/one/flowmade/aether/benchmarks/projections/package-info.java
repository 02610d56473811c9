/**
 * The suite's {@code projections} part: a projection's catch-up with KV checkpoints against a
 * raw ordered consumer, and exactly-once JDBC projection into PostgreSQL against a hand-written
 * JDBC loop.
 */
package one.flowmade.aether.benchmarks.projections;
