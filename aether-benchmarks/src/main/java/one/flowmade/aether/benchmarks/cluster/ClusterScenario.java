package one.flowmade.aether.benchmarks.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import one.flowmade.aether.benchmarks.nats.Rounds;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.cluster.Sharding;

/**
 * Leader failover and shard reassignment: three {@link ClusterNodeMain} JVMs (each with {@code
 * -Xmx64m}) join a cluster on the 3-node nats-server cluster; once one leads and all shards are
 * owned, the leader's JVM is killed with SIGKILL. Failover is the time from the kill to another
 * node's {@code elected}; reassignment the time until the survivors own every shard again. The
 * baseline is {@link RawLease} with the same TTL and renewal interval in the same kind of JVMs.
 * Then the same with SIGTERM instead of SIGKILL: the node's default JVM shutdown hook hands its
 * leadership and shards over, compared with Aether's own crash figures. Not thread-safe.
 */
public final class ClusterScenario {

  static final String MAX_HEAP = "64m";
  private static final Duration WAIT = Duration.ofSeconds(90);

  private final String urls;
  private long peakHeap;
  private long peakLive;
  private long rawPeakHeap;
  private long rawPeakLive;
  private int run;

  /**
   * Creates the scenario.
   *
   * @param urls the nats-server cluster's client URLs, comma-separated
   */
  public ClusterScenario(String urls) {
    this.urls = urls;
  }

  /**
   * Measures failover and reassignment with the given timings.
   *
   * @param section where the figures go
   * @param timings the cluster timings
   * @param rounds measured rounds
   * @throws Exception if a node does not start or nothing fails over
   */
  public void run(Section section, Timings timings, int rounds) throws Exception {
    System.out.println("-- failover, " + timings.name());
    double[] reassignment = new double[rounds];
    int[] r = {0};
    Comparison failover = Rounds.alternate("leader failover, " + timings.name(), "s",
        Better.LOWER, rounds, false,
        round -> {
          double[] times = failover("aether", timings);
          reassignment[r[0]++] = times[1];
          return times[0];
        },
        round -> failover("raw", timings)[0]);
    section.add(timings.defaults()
        ? failover.withTarget(Target.valueAtMost(2.0)) : failover);
    // The same node stopped the way a rolling deploy stops it: SIGTERM, so its JVM shutdown hook
    // (ClusterNode's default) hands leadership and shards over before the process exits.
    double[] handover = new double[rounds];
    double[] handoverShards = new double[rounds];
    for (int i = 0; i < rounds; i++) {
      double[] times = failover("aether", timings, true);
      handover[i] = times[0];
      handoverShards[i] = times[1];
    }
    double rawMedian = failover.baseline();
    double reassigned = Figures.median(reassignment);
    section.add(Comparison.of("shard reassignment after the kill, " + timings.name(), "s",
        Better.LOWER, reassigned, rawMedian)
        .withNote("baseline: the raw lease's failover (detecting the dead node), " + rounds
            + " rounds"));
    double crashed = failover.aether();
    section.add(Comparison.of("leader handover on SIGTERM, " + timings.name(), "s",
        Better.LOWER, Figures.median(handover), crashed)
        .withNote("baseline: Aether's own failover after SIGKILL (above); the node's default"
            + " shutdown hook resigns and leaves, " + rounds + " rounds"));
    section.add(Comparison.of("shard reassignment after SIGTERM, " + timings.name(), "s",
        Better.LOWER, Figures.median(handoverShards), reassigned)
        .withNote("baseline: Aether's reassignment after SIGKILL (above), " + rounds
            + " rounds"));
  }

  /**
   * Runs three example cluster nodes ({@code aether-examples}' {@code ClusterNodeMain}) with
   * {@code -Xmx64m}, lets them form the cluster and take all shards, kills one with SIGKILL so the
   * others take its shards over, and returns their peak heap.
   *
   * @param settle how long to let the nodes run before and after the kill
   * @return {peak used, peak live after GC} in bytes, the largest over the nodes
   * @throws Exception if a node cannot start or dies
   */
  public long[] exampleHeap(Duration settle) throws Exception {
    String cluster = "heap-" + Long.toString(System.nanoTime() & 0xffffff, 36);
    List<ChildNode> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        nodes.add(ChildNode.example(urls, cluster, "node-" + i, MAX_HEAP));
      }
      await("heap reports", () -> nodes.stream().allMatch(n -> n.peakHeap() > 0), nodes);
      Thread.sleep(settle.toMillis());
      nodes.get(0).kill();
      Thread.sleep(settle.toMillis());
      long used = 0;
      long live = 0;
      for (ChildNode n : nodes.subList(1, nodes.size())) {
        if (!n.isAlive()) {
          throw new IllegalStateException("example node " + n.nodeId + " died (out of memory in"
              + " -Xmx" + MAX_HEAP + "?):\n" + n.output());
        }
      }
      for (ChildNode n : nodes) {
        used = Math.max(used, n.peakHeap());
        live = Math.max(live, n.peakLive());
      }
      return new long[] {used, live};
    } finally {
      for (ChildNode n : nodes) {
        n.close();
      }
    }
  }

  /**
   * Returns the peak heap of the Aether nodes seen so far.
   *
   * @return {peak used, peak live after GC} of Aether, then of the raw baseline, in bytes
   */
  public long[] heap() {
    return new long[] {peakHeap, peakLive, rawPeakHeap, rawPeakLive};
  }

  /** Returns {failover seconds, reassignment seconds} after a SIGKILL of the leader. */
  private double[] failover(String mode, Timings timings) throws Exception {
    return failover(mode, timings, false);
  }

  /**
   * Returns {failover seconds, reassignment seconds} after the leader's JVM is stopped: with
   * SIGTERM (its shutdown hooks run) when {@code graceful}, else with SIGKILL.
   */
  private double[] failover(String mode, Timings timings, boolean graceful) throws Exception {
    String cluster = "bench-" + mode + "-" + (run++) + "-"
        + Long.toString(System.nanoTime() & 0xffffff, 36);
    List<ChildNode> nodes = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        nodes.add(ChildNode.start(mode, urls, cluster, "node-" + i, timings, MAX_HEAP));
      }
      boolean aether = "aether".equals(mode);
      await("all nodes ready", () -> nodes.stream().allMatch(ChildNode::ready), nodes);
      await("a leader", () -> nodes.stream().anyMatch(n -> n.electedAt() > 0), nodes);
      if (aether) {
        await("all shards owned", () -> nodes.stream().mapToInt(ChildNode::shards).sum()
            == Sharding.DEFAULT_SHARDS, nodes);
      }
      ChildNode leader = nodes.stream().filter(n -> n.electedAt() > 0).findFirst().orElseThrow();
      List<ChildNode> survivors = new ArrayList<>(nodes);
      survivors.remove(leader);
      long killedAt = System.currentTimeMillis();
      if (graceful) {
        leader.terminate();
      } else {
        leader.kill();
      }
      await("a new leader", () -> survivors.stream().anyMatch(n -> n.electedAt() > killedAt),
          nodes);
      long electedAt = survivors.stream().mapToLong(ChildNode::electedAt).max().orElseThrow();
      double reassigned = Double.NaN;
      if (aether) {
        await("the survivors to own every shard", () -> survivors.stream()
            .mapToInt(ChildNode::shards).sum() == Sharding.DEFAULT_SHARDS, nodes);
        reassigned = (survivors.stream().mapToLong(ChildNode::shardsAt).max().orElseThrow()
            - killedAt) / 1000.0;
      }
      for (ChildNode n : survivors) {
        if (!n.isAlive()) {
          throw new IllegalStateException("node " + n.nodeId + " died (out of memory in -Xmx"
              + MAX_HEAP + "?):\n" + n.output());
        }
      }
      for (ChildNode n : nodes) {
        if (aether) {
          peakHeap = Math.max(peakHeap, n.peakHeap());
          peakLive = Math.max(peakLive, n.peakLive());
        } else {
          rawPeakHeap = Math.max(rawPeakHeap, n.peakHeap());
          rawPeakLive = Math.max(rawPeakLive, n.peakLive());
        }
      }
      return new double[] {(electedAt - killedAt) / 1000.0, reassigned};
    } finally {
      for (ChildNode n : nodes) {
        n.close();
      }
    }
  }

  private static void await(String what, BooleanSupplier condition, List<ChildNode> nodes)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        StringBuilder out = new StringBuilder();
        for (ChildNode n : nodes) {
          out.append("\n--- ").append(n.nodeId).append(n.isAlive() ? "" : " (dead)").append('\n')
              .append(n.output());
        }
        throw new IllegalStateException("no " + what + " within " + WAIT + out);
      }
      Thread.sleep(5);
    }
  }
}
