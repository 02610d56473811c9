package one.flowmade.aether.cluster.internal.allocation;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.lease.LeaderLease;
import one.flowmade.aether.cluster.internal.membership.MemberView;
import one.flowmade.aether.cluster.internal.store.CasFailure;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the leader, on the events thread: computes the next assignment with the {@link
 * AssignmentPlanner} whenever the members change (after the rebalance delay when only a
 * rebalance is due) and publishes it with the expected revision and the term's fencing token.
 *
 * <p>Used only on the events thread.
 */
public final class AssignmentPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final long NANOS_PER_MILLI = NodeContext.NANOS_PER_MILLI;

  private final NodeContext node;
  private final Settings settings;
  private final ClusterStore store;
  private final String nodeId;
  private final MemberView view;
  /** Set before the node starts ({@link #leader(LeaderLease)}). */
  private @Nullable LeaderLease leader;
  private boolean leaderReconcileScheduled;

  /**
   * Creates the publisher.
   *
   * @param node the node
   * @param view the members this node sees
   */
  public AssignmentPublisher(NodeContext node, MemberView view) {
    this.node = node;
    this.settings = node.settings();
    this.store = node.store();
    this.nodeId = node.nodeId();
    this.view = view;
  }

  /**
   * Sets the leader lease whose terms publish; before the node starts.
   *
   * @param leader the lease
   */
  public void leader(LeaderLease leader) {
    this.leader = leader;
  }

  private LeaderLease lease() {
    return Objects.requireNonNull(leader, "the leader lease is set before the node starts");
  }

  /** Queues a reconciliation of the published assignment now, unless one is queued. */
  public void scheduleLeaderReconcile() {
    scheduleLeaderReconcile(0);
  }

  private void scheduleLeaderReconcile(long delayNanos) {
    if (leaderReconcileScheduled) {
      return;
    }
    leaderReconcileScheduled = true;
    Runnable task = () -> node.guard("assignment", () -> {
      leaderReconcileScheduled = false;
      leaderReconcile();
    });
    try {
      if (delayNanos <= 0) {
        node.events().execute(task);
      } else {
        node.events().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      leaderReconcileScheduled = false;
    }
  }

  /** Reconciles the published assignment if this node leads. Periodic. */
  public void leaderAudit() {
    if (lease().isLeader()) {
      leaderReconcile();
    }
  }

  private void leaderReconcile() {
    Leadership l = lease().current();
    if (l == null || !l.isValid() || node.closing() || !node.viewReady()
        || node.connectionClosed()) {
      return;
    }
    try {
      publishAssignment(l);
    } catch (CasFailure e) {
      LOG.debug("node {}: the assignment changed while it was computed; again", nodeId);
      scheduleLeaderReconcile(NANOS_PER_MILLI * 100);
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: publishing the assignment failed, retrying: {}", nodeId,
          e.getMessage());
      scheduleLeaderReconcile(settings.heartbeatInterval().toNanos());
    }
  }

  private void publishAssignment(Leadership l) throws CasFailure {
    Optional<ClusterStore.Entry> currentEntry = store.last(ClusterStore.ASSIGNMENT_KEY);
    ShardAssignment current = null;
    if (currentEntry.isPresent() && currentEntry.get().isLive()) {
      try {
        current = Assignments.decode(currentEntry.get().value());
      } catch (IllegalArgumentException e) {
        LOG.error("node {}: the published assignment cannot be read ({}); replacing it", nodeId,
            e.getMessage());
      }
    }
    if (current != null && current.fencingToken() > l.fencingToken()) {
      node.runOnLeaderThread(
          () -> lease().lost(l, "a leader with a newer term published an assignment"));
      return;
    }
    AssignmentPlanner.Plan plan = AssignmentPlanner.plan(settings.shardCount(), current,
        store.members().values(), view::knownMember, settings.allocationStrategy());
    if (plan.unchanged()) {
      return;
    }
    if (current != null && !plan.orphans() && !plan.listed().isEmpty()) {
      long wait = view.lastMembershipChange() + settings.rebalanceDelay().toNanos()
          - System.nanoTime();
      if (wait > 0) {
        scheduleLeaderReconcile(wait);
        return;
      }
    }
    if (!l.isValid()) {
      return;
    }
    long epoch = current == null ? 1 : current.epoch() + 1;
    ShardAssignment next = Assignments.of(epoch, l.fencingToken(), nodeId, Instant.now(),
        plan.listed(), plan.owners());
    byte[] value = Assignments.encode(next);
    if (currentEntry.isEmpty()) {
      store.create(ClusterStore.ASSIGNMENT_KEY, value, null);
    } else {
      store.update(ClusterStore.ASSIGNMENT_KEY, value, currentEntry.get().revision(), null);
    }
    LOG.info("node {} published shard assignment epoch {}: {} shard(s) moved, {}", nodeId,
        epoch, current == null ? next.shardCount() - next.unassignedCount()
            : next.movesFrom(current), next.shardCounts());
  }
}
