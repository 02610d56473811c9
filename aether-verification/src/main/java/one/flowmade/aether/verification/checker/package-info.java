/**
 * The checker of recorded histories: {@link
 * one.flowmade.aether.verification.checker.HistoryChecker} runs every {@link
 * one.flowmade.aether.verification.checker.Check} over a {@link
 * one.flowmade.aether.verification.history.History} and returns a {@link
 * one.flowmade.aether.verification.checker.CheckReport} whose {@link
 * one.flowmade.aether.verification.checker.Violation}s each carry the smallest part of the history
 * that shows them.
 */
package one.flowmade.aether.verification.checker;
