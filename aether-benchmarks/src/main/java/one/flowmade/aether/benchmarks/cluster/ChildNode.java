package one.flowmade.aether.benchmarks.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ClusterNodeMain} JVM started by the scenario, and what it has reported so far.
 * Thread-safe: a reader thread records the child's lines.
 */
final class ChildNode implements AutoCloseable {

  final String nodeId;
  private final Process process;
  private final List<String> log = new ArrayList<>();
  private boolean ready;
  private long electedAt;
  private long shardsAt;
  private int shards;
  private long peakHeap;
  private long peakLive;

  private ChildNode(String nodeId, Process process) {
    this.nodeId = nodeId;
    this.process = process;
    Thread reader = new Thread(this::read, "child-" + nodeId);
    reader.setDaemon(true);
    reader.start();
  }

  static ChildNode start(String mode, String urls, String cluster, String nodeId,
      Timings timings, String maxHeap) throws IOException {
    return launch(nodeId, maxHeap, ClusterNodeMain.class.getName(), mode, urls, cluster, nodeId,
        timings.key());
  }

  /** Starts the example cluster node of {@code aether-examples} under {@link HeapProbe}. */
  static ChildNode example(String urls, String cluster, String nodeId, String maxHeap)
      throws IOException {
    return launch(nodeId, maxHeap, HeapProbe.class.getName(),
        "one.flowmade.aether.examples.cluster.ClusterNodeMain", "--node", nodeId, "--nats", urls,
        "--cluster", cluster);
  }

  private static ChildNode launch(String nodeId, String maxHeap, String... mainAndArgs)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx" + maxHeap, "-cp",
        System.getProperty("java.class.path")));
    command.addAll(List.of(mainAndArgs));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    return new ChildNode(nodeId, p);
  }

  private void read() {
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] f = line.split(" ");
        synchronized (this) {
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
              if (log.size() < 200) {
                log.add(line);
              }
            }
          }
          notifyAll();
        }
      }
    } catch (IOException e) {
      // The process was killed.
    }
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

  synchronized String output() {
    return String.join("\n", log);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Kills the JVM with SIGKILL, as a crash would, and waits until it is gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    kill();
  }
}
