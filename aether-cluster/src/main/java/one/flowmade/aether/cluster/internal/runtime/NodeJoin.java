package one.flowmade.aether.cluster.internal.runtime;

import java.util.function.Consumer;
import one.flowmade.aether.cluster.ClusterJoinException;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.store.ClusterStore;

/**
 * Joins a node to its cluster: opens (or creates) the cluster's bucket and checks its shard
 * count, then starts a {@link NodeRuntime}; NATS failing to answer is retried until the join
 * timeout. Stateless and thread-safe.
 */
public final class NodeJoin {

  private NodeJoin() {}

  /**
   * Joins. Blocks until the node is a member, at most about the join timeout.
   *
   * @param settings the node's checked settings
   * @param prepare called with each new runtime before it starts (to attach its meters)
   * @return the started runtime; the caller closes it
   * @throws ClusterJoinException if the node could not join within the join timeout
   * @throws RuntimeException what opening the bucket or starting throws, other than a
   *     {@link ClusterUnavailableException} before the deadline
   */
  public static NodeRuntime join(Settings settings, Consumer<NodeRuntime> prepare) {
    long deadline = System.nanoTime() + settings.joinTimeout().toNanos();
    ClusterStore store = null;
    while (store == null) {
      try {
        ClusterStore opened = ClusterStore.open(settings.connection(), settings.clusterName(),
            settings.replicas(), settings.operationTimeout(), true);
        opened.checkShardCount(settings.shardCount());
        store = opened;
      } catch (ClusterUnavailableException e) {
        waitBeforeRetry(deadline, settings, e);
      }
    }
    while (true) {
      NodeRuntime runtime = new NodeRuntime(settings, store, deadline);
      prepare.accept(runtime);
      try {
        runtime.start();
        return runtime;
      } catch (ClusterUnavailableException e) {
        runtime.close();
        waitBeforeRetry(deadline, settings, e);
      } catch (RuntimeException e) {
        runtime.close();
        throw e;
      }
    }
  }

  private static void waitBeforeRetry(long deadline, Settings settings,
      ClusterUnavailableException cause) {
    long left = deadline - System.nanoTime();
    if (left <= 0) {
      throw new ClusterJoinException("node " + settings.nodeId() + " could not join cluster "
          + settings.clusterName() + " within " + settings.joinTimeout().toMillis()
          + " ms: NATS did not answer: " + cause.getMessage(), cause);
    }
    try {
      Thread.sleep(Math.min(250, left / 1_000_000 + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterJoinException("interrupted while joining", e);
    }
  }
}
