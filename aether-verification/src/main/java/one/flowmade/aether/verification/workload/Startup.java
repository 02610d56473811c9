package one.flowmade.aether.verification.workload;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.cluster.ClusterNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Startup steps of a run's node processes, which may fail while faults are injected and are
 * tried again until a deadline. Stateless and thread-safe.
 */
final class Startup {

  private static final Logger LOG = LoggerFactory.getLogger(Startup.class);
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  /** A step of startup. */
  interface Step<T> {
    T get() throws Exception;
  }

  private Startup() {}

  /**
   * A cluster node with the runs' timings: 1 s heartbeats and lease renewals, 6 s TTLs, a 2 s
   * safety margin, an R3 bucket.
   */
  static ClusterNode.Builder clusterNode(Connection connection, String cluster, String node,
      int shards) {
    return ClusterNode.builder()
        .connection(connection)
        .clusterName(cluster)
        .nodeId(node)
        .shardCount(shards)
        .replicas(3)
        .heartbeatInterval(Duration.ofSeconds(1))
        .membershipTtl(Duration.ofSeconds(6))
        .leaderRenewInterval(Duration.ofSeconds(1))
        .leaderLeaseTtl(Duration.ofSeconds(6))
        .safetyMargin(Duration.ofSeconds(2))
        .operationTimeout(Duration.ofSeconds(1))
        .joinTimeout(Duration.ofSeconds(60));
  }

  /** Runs {@code step} until it succeeds, every 500 ms for up to 90 s; then throws its failure. */
  static <T> T retry(String process, String what, Step<T> step) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      try {
        return step.get();
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(process + " could not " + what, e);
        }
        LOG.warn("{} could not {} yet: {}", process, what, e.toString());
        TimeUnit.MILLISECONDS.sleep(500);
      }
    }
  }
}
