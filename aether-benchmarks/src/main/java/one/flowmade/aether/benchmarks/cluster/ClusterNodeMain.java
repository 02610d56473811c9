package one.flowmade.aether.benchmarks.cluster;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.LeadershipListener;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardListener;

/**
 * One cluster node in its own JVM, for the failover scenarios: {@code aether} runs a {@link
 * ClusterNode}, {@code raw} runs {@link RawLease}. It reports on stdout, one line each, with the
 * wall-clock time in milliseconds: {@code READY}, {@code ELECTED <ms>}, {@code SHARDS <ms>
 * <count>} and, every 200 ms, {@code HEAP <peak used bytes> <peak live bytes after GC>}. It runs
 * until killed or until stdin closes.
 *
 * <pre>
 *   java -Xmx64m -cp aether-benchmarks.jar one.flowmade.aether.benchmarks.cluster.ClusterNodeMain \
 *       aether|raw URLS CLUSTER NODE default|fast
 * </pre>
 */
public final class ClusterNodeMain {

  private ClusterNodeMain() {}

  /**
   * Runs the node.
   *
   * @param args mode, server URLs, cluster name, node id, timings
   * @throws Exception if the node cannot start
   */
  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String urls = args[1];
    String cluster = args[2];
    String node = args[3];
    Timings timings = Timings.of(args[4]);
    startHeapReporter();
    Options options = Options.builder().server(urls).connectionName(node)
        .maxReconnects(-1).reconnectWait(Duration.ofMillis(250)).errorListener(
            new io.nats.client.ErrorListener() {}).build();
    Connection nc = Nats.connect(options);
    AutoCloseable running = "raw".equals(mode)
        ? RawLease.start(nc, cluster, node, timings, () -> say("ELECTED " + now()))
        : aether(nc, cluster, node, timings);
    say("READY");
    // Runs until the parent kills this JVM or closes stdin; input is ignored.
    ChildJvm.readCommands(line -> { });
    running.close();
    nc.close();
  }

  private static ClusterNode aether(Connection nc, String cluster, String node, Timings timings) {
    AtomicInteger shards = new AtomicInteger();
    ClusterNode.Builder builder = ClusterNode.builder().connection(nc).clusterName(cluster)
        .nodeId(node).replicas(3)
        .leadershipListener(new LeadershipListener() {
          @Override
          public void elected(Leadership leadership) {
            say("ELECTED " + now() + " " + leadership.fencingToken());
          }
        })
        .shardListener(new ShardListener() {
          @Override
          public void acquired(int shard, long epoch) {
            say("SHARDS " + now() + " " + shards.incrementAndGet());
          }

          @Override
          public void released(int shard, long epoch, ReleaseReason reason) {
            say("SHARDS " + now() + " " + shards.decrementAndGet());
          }
        });
    if (!timings.defaults()) {
      builder.leaderLeaseTtl(timings.leaseTtl()).membershipTtl(timings.leaseTtl())
          .leaderRenewInterval(timings.renew()).heartbeatInterval(timings.renew())
          .safetyMargin(timings.margin()).operationTimeout(timings.renew())
          .rebalanceDelay(Duration.ofMillis(200));
    }
    return builder.build();
  }

  static long now() {
    return System.currentTimeMillis();
  }

  static void say(String line) {
    ChildJvm.say(line);
  }

  private static final AtomicLong PEAK_LIVE = new AtomicLong();

  /** Records the heap in use right after each collection: the live set plus what survived. */
  private static void watchCollections() {
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (gc instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION
              .equals(notification.getType())) {
            return;
          }
          GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from(
              (CompositeData) notification.getUserData());
          long after = 0;
          for (Map.Entry<String, MemoryUsage> pool
              : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (HEAP_POOLS.contains(pool.getKey())) {
              after += pool.getValue().getUsed();
            }
          }
          PEAK_LIVE.accumulateAndGet(after, Math::max);
        }, null, null);
      }
    }
  }

  private static final Set<String> HEAP_POOLS = heapPools();

  private static Set<String> heapPools() {
    Set<String> names = new HashSet<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        names.add(pool.getName());
      }
    }
    return names;
  }

  static void startHeapReporter() {
    watchCollections();
    Thread t = new Thread(() -> {
      long peakUsed = 0;
      while (true) {
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        peakUsed = Math.max(peakUsed, used);
        say("HEAP " + peakUsed + " " + PEAK_LIVE.get());
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "heap-reporter");
    t.setDaemon(true);
    t.start();
  }
}
