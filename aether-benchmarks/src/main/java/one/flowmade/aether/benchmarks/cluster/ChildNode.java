package one.flowmade.aether.benchmarks.cluster;

import java.io.IOException;
import java.util.List;

/**
 * A {@link ClusterNodeMain} JVM started by the scenario, and what it has reported so far.
 * Thread-safe: the child's reader thread records its lines.
 */
final class ChildNode implements AutoCloseable {

  final String nodeId;
  private final ChildJvm jvm;
  private boolean ready;
  private long electedAt;
  private long shardsAt;
  private int shards;
  private long peakHeap;
  private long peakLive;

  private ChildNode(String nodeId, String maxHeap, String... mainAndArgs) throws IOException {
    this.nodeId = nodeId;
    String[] args = java.util.Arrays.copyOfRange(mainAndArgs, 1, mainAndArgs.length);
    this.jvm = ChildJvm.start(nodeId, List.of("-Xmx" + maxHeap), this::record, mainAndArgs[0],
        args);
  }

  static ChildNode start(String mode, String urls, String cluster, String nodeId,
      Timings timings, String maxHeap) throws IOException {
    return new ChildNode(nodeId, maxHeap, ClusterNodeMain.class.getName(), mode, urls, cluster,
        nodeId, timings.key());
  }

  /** Starts the example cluster node of {@code aether-examples} under {@link HeapProbe}. */
  static ChildNode example(String urls, String cluster, String nodeId, String maxHeap)
      throws IOException {
    return new ChildNode(nodeId, maxHeap, HeapProbe.class.getName(),
        "one.flowmade.aether.examples.cluster.ClusterNodeMain", "--node", nodeId, "--nats", urls,
        "--cluster", cluster);
  }

  private synchronized boolean record(String line) {
    String[] f = line.split(" ");
    switch (f[0]) {
      case "READY" -> ready = true;
      case "ELECTED" -> electedAt = Long.parseLong(f[1]);
      case "SHARDS" -> {
        shardsAt = Long.parseLong(f[1]);
        shards = Integer.parseInt(f[2]);
      }
      case "HEAP" -> {
        peakHeap = Long.parseLong(f[1]);
        peakLive = Long.parseLong(f[2]);
      }
      default -> {
        return false;
      }
    }
    notifyAll();
    return true;
  }

  synchronized boolean ready() {
    return ready;
  }

  synchronized long electedAt() {
    return electedAt;
  }

  synchronized int shards() {
    return shards;
  }

  synchronized long shardsAt() {
    return shardsAt;
  }

  synchronized long peakHeap() {
    return peakHeap;
  }

  synchronized long peakLive() {
    return peakLive;
  }

  String output() {
    return jvm.output();
  }

  boolean isAlive() {
    return jvm.isAlive();
  }

  /** Kills the JVM with SIGKILL, as a crash would, and waits until it is gone. */
  void kill() throws InterruptedException {
    jvm.kill();
  }

  /**
   * Stops the JVM with SIGTERM, as a rolling deploy would (its shutdown hooks run), and waits
   * until it is gone.
   */
  void terminate() throws InterruptedException {
    jvm.terminate();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
