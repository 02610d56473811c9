/**
 * What a verification run records: every operation with its invocation and completion time and
 * its outcome ({@link one.flowmade.aether.verification.history.AppendOp}, {@link
 * one.flowmade.aether.verification.history.ReadOp}, {@link
 * one.flowmade.aether.verification.history.Delivery}), every leader term ({@link
 * one.flowmade.aether.verification.history.LeaderTerm}) and shard tenure ({@link
 * one.flowmade.aether.verification.history.ShardTenure}), and the state read back at the end
 * ({@link one.flowmade.aether.verification.history.FinalState}), gathered into a {@link
 * one.flowmade.aether.verification.history.History}.
 *
 * <p>Processes write their entries as JSON lines with {@link
 * one.flowmade.aether.verification.history.HistoryLog}; an entry written again under the same id
 * replaces the earlier line, so an operation is logged when it is invoked and again when it
 * completes, and a process killed in between leaves it with an unknown outcome.
 */
package one.flowmade.aether.verification.history;
