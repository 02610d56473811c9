/**
 * The node's runtime: its threads, start and stop, and the watch that feeds the other parts. Not
 * exported.
 */
package one.flowmade.aether.cluster.internal.runtime;
