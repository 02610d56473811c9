/**
 * The workload program of the fault-injection runs: {@link
 * one.flowmade.aether.verification.workload.WorkloadNode} runs as a separate OS process, joins
 * the Aether cluster, appends with expected versions to actors shared with the other nodes, reads
 * them, follows the namespace with a subscription, and records every operation, leader term and
 * shard tenure in its {@link one.flowmade.aether.verification.history.HistoryLog}.
 */
package one.flowmade.aether.verification.workload;
