/**
 * JMH benchmarks of Aether's in-process parts (codec, in-memory store, actor repository, local
 * bus, hash ring), each with a baseline that does the same work without Aether ({@code raw*}
 * methods) in the same class, so one run measures both side by side. {@code BenchmarkSuite} runs
 * them with short settings and reports each pair as a ratio.
 */
package one.flowmade.aether.benchmarks.jmh;
