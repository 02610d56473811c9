/**
 * Jepsen-style verification of Aether: a model of recorded histories and a checker for them
 * ({@link one.flowmade.aether.verification.history}, {@link
 * one.flowmade.aether.verification.checker}), the workload program that runs as a separate
 * process under fault injection, and the namespace permission generator.
 *
 * <p>This module is not published; it holds the evidence that Aether loses nothing and never has
 * two owners, whatever fails. {@code docs/verification.md} describes how to run it.
 */
package one.flowmade.aether.verification;
