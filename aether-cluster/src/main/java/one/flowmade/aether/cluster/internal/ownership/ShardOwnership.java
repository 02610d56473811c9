package one.flowmade.aether.cluster.internal.ownership;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.allocation.AssignmentPublisher;
import one.flowmade.aether.cluster.internal.allocation.Assignments;
import one.flowmade.aether.cluster.internal.allocation.ListedMember;
import one.flowmade.aether.cluster.internal.lease.LeaderLease;
import one.flowmade.aether.cluster.internal.lease.Lease;
import one.flowmade.aether.cluster.internal.membership.MemberRecord;
import one.flowmade.aether.cluster.internal.membership.MemberView;
import one.flowmade.aether.cluster.internal.membership.Membership;
import one.flowmade.aether.cluster.internal.routing.ShardEndpoint;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which shards this node owns, and the handoff: applies each published assignment (releases the
 * shards it lost, confirms the epoch with the next heartbeat), then acquires the shards it gained
 * once every other listed member has confirmed the same epoch or has gone (the barrier). Each
 * owned shard has a {@link ShardGate} tied to the membership lease.
 *
 * <p>Written only on the events thread; {@link #assignment()}, {@link #activeShards()} and
 * {@link #isActive(int)} may be called from any thread.
 */
public final class ShardOwnership {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final NodeContext node;
  private final Settings settings;
  private final String nodeId;
  private final Membership membership;
  private final MemberView view;
  private final LeaderLease leader;
  private final AssignmentPublisher publisher;
  private final ShardEndpoint endpoint;

  private volatile @Nullable ShardAssignment assignment;
  private long appliedEpoch;
  private @Nullable String appliedIncarnation;
  private final SortedSet<Integer> pending = new TreeSet<>();
  private final Map<Integer, ShardGate> active = new ConcurrentHashMap<>();

  /**
   * Creates the ownership of a node that owns nothing yet.
   *
   * @param node the node
   * @param membership the node's membership, whose lease bounds every owned shard
   * @param view the members, for the barrier
   * @param leader the leader lease, told of newer terms
   * @param publisher the leader's publisher, told of assignments published by others
   * @param endpoint the endpoint that serves the owned shards
   */
  public ShardOwnership(NodeContext node, Membership membership, MemberView view,
      LeaderLease leader, AssignmentPublisher publisher, ShardEndpoint endpoint) {
    this.node = node;
    this.settings = node.settings();
    this.nodeId = node.nodeId();
    this.membership = membership;
    this.view = view;
    this.leader = leader;
    this.publisher = publisher;
    this.endpoint = endpoint;
  }

  /** @return the latest assignment this node has seen */
  public Optional<ShardAssignment> assignment() {
    return Optional.ofNullable(assignment);
  }

  /** @return the shards this node owns now */
  public SortedSet<Integer> activeShards() {
    SortedSet<Integer> shards = new TreeSet<>();
    for (ShardGate gate : active.values()) {
      if (gate.isActive()) {
        shards.add(gate.shard());
      }
    }
    return Collections.unmodifiableSortedSet(shards);
  }

  /**
   * Returns whether this node owns a shard now.
   *
   * @param shard a shard in range
   * @return true while the shard's gate is active
   */
  public boolean isActive(int shard) {
    ShardGate gate = active.get(shard);
    return gate != null && gate.isActive();
  }

  /**
   * Applies an entry of the assignment key: a newer epoch becomes the assignment.
   *
   * @param entry the entry
   */
  public void onAssignmentEntry(KeyValueEntry entry) {
    if (entry.getOperation() != KeyValueOperation.PUT) {
      return;
    }
    ShardAssignment next;
    try {
      next = Assignments.decode(entry.getValue());
    } catch (IllegalArgumentException e) {
      LOG.warn("node {}: ignoring unreadable assignment at revision {}: {}", nodeId,
          entry.getRevision(), e.getMessage());
      return;
    }
    ShardAssignment current = assignment;
    if (next.shardCount() != settings.shardCount()) {
      LOG.error("node {}: ignoring assignment epoch {} for {} shards; this node has {}", nodeId,
          next.epoch(), next.shardCount(), settings.shardCount());
      return;
    }
    if (current != null && next.epoch() <= current.epoch()) {
      return;
    }
    assignment = next;
    // End markers matter only for members an assignment lists; forget the others.
    Set<String> listedIds = new HashSet<>(next.nodes());
    view.forgetEndedExcept(listedIds);
    LOG.debug("node {}: sees {}", nodeId, next);
    node.callListener("assignmentChanged",
        () -> settings.shardListener().assignmentChanged(next));
    Leadership l = leader.current();
    if (l != null && next.fencingToken() > l.fencingToken()) {
      node.runOnLeaderThread(
          () -> leader.lost(l, "a leader with a newer term published an assignment"));
    } else if (l != null && !next.leaderId().equals(nodeId)) {
      publisher.scheduleLeaderReconcile();
    }
  }

  /**
   * Applies the latest assignment if it is newer than the applied one, and acquires the pending
   * shards once the barrier has passed.
   *
   * @param lease the membership lease read by the caller, or null
   * @param me this node's record read by the caller, or null
   */
  public void reconcile(@Nullable Lease lease, @Nullable MemberRecord me) {
    ShardAssignment a = assignment;
    if (lease != null && lease.isValid() && me != null && a != null) {
      if (a.epoch() > appliedEpoch || !me.incarnation().equals(appliedIncarnation)) {
        apply(a, me);
      }
      if (!pending.isEmpty() && a.epoch() == appliedEpoch && barrierPassed(a)) {
        activatePending(a, lease);
      }
    }
  }

  private void apply(ShardAssignment a, MemberRecord me) {
    Set<Integer> mine = new TreeSet<>();
    for (int s = 0; s < a.shardCount(); s++) {
      ListedMember owner = Assignments.ownerEntry(a, s);
      if (owner != null && owner.nodeId().equals(nodeId)
          && owner.incarnation().equals(me.incarnation())) {
        mine.add(s);
      }
    }
    for (Integer s : new ArrayList<>(active.keySet())) {
      if (!mine.contains(s)) {
        release(s, ReleaseReason.REASSIGNED);
      }
    }
    appliedEpoch = a.epoch();
    appliedIncarnation = me.incarnation();
    node.meters().assignmentApplied();
    pending.clear();
    for (Integer s : mine) {
      if (!active.containsKey(s)) {
        pending.add(s);
      }
    }
    LOG.debug("node {}: applied epoch {}: {} active, {} to acquire", nodeId, a.epoch(),
        active.size(), pending.size());
    membership.confirm(me.incarnation(), a.epoch());
  }

  /**
   * Whether every other member listed in the assignment has confirmed exactly this epoch with the
   * listed incarnation, or has ended (its key expired, was deleted or was taken by a new
   * incarnation after the listing). Views only lag, and confirmations only grow, so a stale view
   * can only make this wait longer.
   */
  private boolean barrierPassed(ShardAssignment a) {
    for (ListedMember listed : Assignments.listed(a)) {
      if (listed.nodeId().equals(nodeId)) {
        continue;
      }
      MemberView.ViewMember seen = view.get(listed.nodeId());
      if (seen == null) {
        return false;
      }
      MemberRecord record = seen.record();
      if (record != null && record.incarnation().equals(listed.incarnation())) {
        if (record.applied() != a.epoch()) {
          return false;
        }
        continue;
      }
      if (seen.revision() <= listed.revision()) {
        return false;
      }
    }
    return true;
  }

  private void activatePending(ShardAssignment a, Lease lease) {
    List<Integer> acquiring = new ArrayList<>(pending);
    pending.clear();
    for (Integer s : acquiring) {
      if (node.closing() || !lease.isValid()) {
        return;
      }
      long epoch = a.epoch();
      ShardGate gate = new ShardGate(s, epoch, lease);
      active.put(s, gate);
      node.callListener("acquired", () -> settings.shardListener().acquired(s, epoch));
      endpoint.serve(gate);
    }
    LOG.debug("node {}: acquired {} shard(s) in epoch {}", nodeId, acquiring.size(), a.epoch());
  }

  private void release(int shard, ReleaseReason reason) {
    ShardGate gate = active.remove(shard);
    if (gate == null) {
      return;
    }
    long started = System.nanoTime();
    // Bounded (shardDrainTimeout): a handler that never returns must not freeze the events
    // thread, which applies every other shard's assignment (see ShardGate).
    gate.close(settings.shardDrainTimeout(), endpoint.handlerName());
    endpoint.stopServing(gate);
    long epoch = appliedEpoch;
    node.callListener("released", () -> settings.shardListener().released(shard, epoch, reason));
    node.meters().released(reason, System.nanoTime() - started);
  }

  /**
   * Releases every shard (and forgets the pending ones).
   *
   * @param reason told to the shard listener
   */
  public void releaseAll(ReleaseReason reason) {
    pending.clear();
    for (Integer s : new ArrayList<>(new TreeSet<>(active.keySet()))) {
      release(s, reason);
    }
  }

  /** The membership was lost: release everything, forget the applied epoch, then rejoin. */
  public void onMembershipLost() {
    releaseAll(ReleaseReason.MEMBERSHIP_LOST);
    appliedEpoch = 0;
    appliedIncarnation = null;
    membership.rejoinAfterRelease();
  }
}
