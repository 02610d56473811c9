/** The report model (sections of Aether/baseline comparisons) and its Markdown writer. */
package one.flowmade.aether.benchmarks.report;
