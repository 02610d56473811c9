package one.flowmade.aether.cluster.internal;

import io.nats.client.Connection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the parts of one node share: its settings, its bucket, its three threads and whether it
 * is closing. Each thread is the only writer of the state its part keeps:
 *
 * <ul>
 *   <li>{@code -events}: applies the watch of the cluster's bucket to the node's view (members,
 *       leader, assignment), calls the listeners, applies assignments, and, on the leader,
 *       computes and publishes assignments.
 *   <li>{@code -membership}: joins, renews and rejoins ({@code Membership}).
 *   <li>{@code -leader}: campaigns for, renews and resigns the leader lease ({@code LeaderLease}).
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class NodeContext {

  /** Nanoseconds in a millisecond. */
  public static final long NANOS_PER_MILLI = 1_000_000L;

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final Settings settings;
  private final ClusterStore store;
  private final Sharding sharding;
  private final String nodeId;
  private final ScheduledThreadPoolExecutor events;
  private final ScheduledThreadPoolExecutor membership;
  private final ScheduledThreadPoolExecutor leader;
  private final Thread[] eventThread = new Thread[1];
  private final Object closeLock = new Object();
  private volatile boolean closing;
  private volatile boolean closed;
  private volatile boolean crashed;
  private volatile boolean viewReady;
  private volatile NodeMeters meters = NodeMeters.NONE;

  /**
   * Creates the context and its (idle) threads.
   *
   * @param settings the node's checked settings
   * @param store the cluster's bucket
   */
  public NodeContext(Settings settings, ClusterStore store) {
    this.settings = settings;
    this.store = store;
    this.sharding = Sharding.of(settings.shardCount());
    this.nodeId = settings.nodeId();
    this.events = executor("events", eventThread);
    this.membership = executor("membership", null);
    this.leader = executor("leader", null);
  }

  private ScheduledThreadPoolExecutor executor(String role, Thread @Nullable [] capture) {
    String name = "aether-cluster-" + nodeId + "-" + role;
    ThreadFactory factory = settings.threadFactory();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread;
      if (factory == null) {
        thread = new Thread(runnable, name);
        thread.setDaemon(true);
      } else {
        thread = factory.newThread(runnable);
        if (thread == null) {
          // The executor would run nothing on this role's thread: say so where it was set.
          throw new IllegalStateException("the thread factory " + factory
              + " of node " + nodeId + " returned no thread for " + name);
        }
        thread.setName(name);
      }
      if (capture != null) {
        capture[0] = thread;
      }
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }

  /** @return the node's settings */
  public Settings settings() {
    return settings;
  }

  /** @return the node's meters ({@link NodeMeters#NONE} without a registry) */
  public NodeMeters meters() {
    return meters;
  }

  /**
   * Sets the node's meters, before it starts.
   *
   * @param meters the meters
   */
  public void meters(NodeMeters meters) {
    this.meters = meters;
  }

  /** @return the cluster's bucket */
  public ClusterStore store() {
    return store;
  }

  /** @return the cluster's sharding */
  public Sharding sharding() {
    return sharding;
  }

  /** @return this node's id */
  public String nodeId() {
    return nodeId;
  }

  /** @return the events thread */
  public ScheduledThreadPoolExecutor events() {
    return events;
  }

  /** @return the membership thread */
  public ScheduledThreadPoolExecutor membershipThread() {
    return membership;
  }

  /** @return the leader thread */
  public ScheduledThreadPoolExecutor leaderThread() {
    return leader;
  }

  /** @return whether the caller runs on the events thread */
  public boolean onEventThread() {
    return Thread.currentThread() == eventThread[0];
  }

  /** @return the node's events thread, or null before it started */
  public Thread eventThread() {
    return eventThread[0];
  }

  /**
   * Marks the node closed (and closing), once.
   *
   * @param crash whether it stops without telling anyone (listeners are no longer called)
   * @return false if it was closed already
   */
  public boolean markClosed(boolean crash) {
    synchronized (closeLock) {
      if (closed) {
        return false;
      }
      closed = true;
      closing = true;
      if (crash) {
        crashed = true;
      }
      return true;
    }
  }

  /** @return whether the node is closing or closed */
  public boolean closing() {
    return closing;
  }

  /** @return whether the node is closed */
  public boolean closed() {
    return closed;
  }

  /** @return whether the first snapshot of the bucket has been applied */
  public boolean viewReady() {
    return viewReady;
  }

  /**
   * Records that the first snapshot of the bucket has been applied.
   *
   * @return false if it had been already
   */
  public boolean markViewReady() {
    if (viewReady) {
      return false;
    }
    viewReady = true;
    return true;
  }

  /**
   * Runs a task, logging what it throws (at debug level once the node is closed).
   *
   * @param what the task, for the log
   * @param task the task
   */
  public void guard(String what, Runnable task) {
    try {
      task.run();
    } catch (RuntimeException e) {
      if (closed) {
        LOG.debug("node {}: {} failed while closing", nodeId, what, e);
      } else {
        LOG.error("node {}: {} failed", nodeId, what, e);
      }
    }
  }

  /**
   * Calls a user's listener, logging what it throws; not at all after a crash.
   *
   * @param what the callback, for the log
   * @param call the call
   */
  public void callListener(String what, Runnable call) {
    if (crashed) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.error("node {}: listener {} threw", nodeId, what, e);
    }
  }

  /** @return whether the node's NATS connection is closed for good */
  public boolean connectionClosed() {
    return store.connection().getStatus() == Connection.Status.CLOSED;
  }

  /**
   * Runs a task on the events thread; drops it once the node is closed.
   *
   * @param event the task
   */
  public void submitEvent(Runnable event) {
    try {
      events.execute(() -> guard("watch event", event));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: event dropped after close", nodeId);
    }
  }

  /**
   * Runs a task on the leader thread; drops it once the node is closed.
   *
   * @param task the task
   */
  public void runOnLeaderThread(Runnable task) {
    try {
      leader.execute(() -> guard("leader", task));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  /**
   * Runs a task again on a thread after a short delay (a quarter heartbeat, at least 50 ms).
   *
   * @param executor the thread
   * @param task the task
   * @param what the task, for the log
   */
  public void scheduleRetry(ScheduledThreadPoolExecutor executor, Runnable task, String what) {
    long delay = Math.max(NANOS_PER_MILLI * 50, settings.heartbeatInterval().toNanos() / 4);
    try {
      executor.schedule(() -> guard(what, task), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }
}
