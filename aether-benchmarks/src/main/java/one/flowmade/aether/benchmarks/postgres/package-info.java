/**
 * The PostgreSQL peer: Aether's JetStream event store against a plain JDBC event table (what most
 * teams would build instead), at equal durability, in one run. Benchmark code, not a product
 * store.
 */
package one.flowmade.aether.benchmarks.postgres;
