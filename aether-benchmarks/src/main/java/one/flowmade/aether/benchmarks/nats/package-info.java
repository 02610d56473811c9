/**
 * Scenario benchmarks against real nats-server processes that the suite starts (a single node for
 * R1 streams, a 3-node cluster for R3): each Aether operation beside its raw-jnats baseline doing
 * the same work with the same subjects, headers and sizes, measured in alternating rounds.
 */
package one.flowmade.aether.benchmarks.nats;
