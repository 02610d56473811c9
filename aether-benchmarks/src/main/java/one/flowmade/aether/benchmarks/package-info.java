/**
 * The benchmark suite: {@link one.flowmade.aether.benchmarks.BenchmarkSuite} runs every part
 * (JMH benchmarks of the in-process parts, scenarios against real nats-server processes, cluster
 * failover, shard balance, heap) and writes one Markdown report where every figure stands beside
 * its baseline measured in the same run.
 */
package one.flowmade.aether.benchmarks;
