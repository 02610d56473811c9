package one.flowmade.aether.cluster.internal.runtime;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import one.flowmade.aether.cluster.ClusterJoinException;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.cluster.LeaderElection;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.Member;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.cluster.internal.ApiAccess;
import one.flowmade.aether.cluster.internal.allocation.AssignmentPlanner;
import one.flowmade.aether.cluster.internal.allocation.Assignments;
import one.flowmade.aether.cluster.internal.allocation.ListedMember;
import one.flowmade.aether.cluster.internal.lease.LeaderRecord;
import one.flowmade.aether.cluster.internal.lease.Lease;
import one.flowmade.aether.cluster.internal.membership.MemberRecord;
import one.flowmade.aether.cluster.internal.ownership.ShardGate;
import one.flowmade.aether.cluster.internal.routing.RoutingProtocol;
import one.flowmade.aether.cluster.internal.store.CasFailure;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import one.flowmade.aether.nats.TokenEncoding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery of one {@link ClusterNode}. Three threads, each the only writer of its state:
 *
 * <ul>
 *   <li>{@code -events}: applies the watch of the cluster's bucket to the node's view (members,
 *       leader, assignment), calls the listeners, applies assignments (releases, then confirms,
 *       then acquires behind the barrier), and, on the leader, computes and publishes assignments.
 *   <li>{@code -membership}: joins, renews the membership key with {@code Nats-TTL} and the
 *       expected revision (carrying the applied epoch: the release confirmation), and rejoins
 *       with a new incarnation after losing the membership.
 *   <li>{@code -leader}: campaigns for, renews and resigns the leader lease.
 * </ul>
 *
 * <p>Safety does not depend on these threads being scheduled: ownership of a shard and a term of
 * leadership are both checked against a {@link Lease} on the monotonic clock at the moment of use.
 */
public final class NodeRuntime implements LeaderElection {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final long NANOS_PER_MILLI = 1_000_000L;

  /** A member key as this node last saw it: a record, or an end marker ({@code record == null}). */
  private record ViewMember(String nodeId, long revision, MemberRecord record) {}

  /** The epoch the events thread has applied, and for which incarnation. */
  private record Confirmation(String incarnation, long epoch) {}

  private final Settings settings;
  private final ClusterStore store;
  private final Sharding sharding;
  private final String nodeId;
  private final String memberKey;
  private final String subjectPrefix;
  private final long memberValidNanos;
  private final long leaderValidNanos;

  private final ScheduledThreadPoolExecutor events;
  private final ScheduledThreadPoolExecutor membership;
  private final ScheduledThreadPoolExecutor leader;
  private final Thread[] eventThread = new Thread[1];
  private volatile boolean closing;
  private volatile boolean closed;
  private volatile boolean crashed;
  private final Object closeLock = new Object();
  private final long joinDeadline;

  // Membership thread (and the joining thread before it starts).
  private volatile MemberRecord self;
  private volatile Lease memberLease;
  private long memberRevision;
  private volatile Confirmation confirmation = new Confirmation("", 0);
  private volatile long lastMembershipEnd;
  private boolean rejoinScheduled;
  private volatile boolean releasingAfterLoss;
  private boolean connectionClosedLogged;
  private long checkedOwnWrite;
  private long checkedOwnWriteAt;
  private long unseenSince;

  // Leader thread.
  private volatile Leadership leadership;
  private long leaderRevision;
  private volatile LeaderRecord leaderRecord;
  private volatile boolean leaderAbsent = true;
  private final AtomicBoolean campaignQueued = new AtomicBoolean();

  // Events thread.
  private final Map<String, ViewMember> view = new TreeMap<>();
  private volatile String viewLeaderId;
  private volatile ShardAssignment assignment;
  private volatile boolean viewReady;
  private long appliedEpoch;
  private String appliedIncarnation;
  private final SortedSet<Integer> pending = new TreeSet<>();
  private final Map<Integer, ShardGate> active = new ConcurrentHashMap<>();
  private volatile List<Member> members = List.of();
  private long lastMembershipChange;
  private boolean leaderReconcileScheduled;
  private volatile Dispatcher dispatcher;
  private volatile NatsKeyValueWatchSubscription watch;
  private int watchGeneration;
  private Set<String> seenThisGeneration = new HashSet<>();
  private long highestSeenRevision;
  private volatile long lastSeenOwnRevision;
  private final CountDownLatch initialView = new CountDownLatch(1);

  public NodeRuntime(Settings settings, ClusterStore store, long joinDeadline) {
    this.joinDeadline = joinDeadline;
    this.settings = settings;
    this.store = store;
    this.sharding = Sharding.of(settings.shardCount());
    this.nodeId = settings.nodeId();
    this.memberKey = ClusterStore.memberKey(nodeId);
    this.subjectPrefix = RoutingProtocol.subjectPrefix(settings.clusterName());
    this.memberValidNanos = settings.membershipTtl().minus(settings.safetyMargin()).toNanos();
    this.leaderValidNanos = settings.leaderLeaseTtl().minus(settings.safetyMargin()).toNanos();
    this.events = executor("events", eventThread);
    this.membership = executor("membership", null);
    this.leader = executor("leader", null);
  }

  private ScheduledThreadPoolExecutor executor(String role, Thread[] capture) {
    String name = "aether-cluster-" + nodeId + "-" + role;
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      if (capture != null) {
        capture[0] = thread;
      }
      return thread;
    });
    executor.setRemoveOnCancelPolicy(true);
    executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return executor;
  }

  // ------------------------------------------------------------------------------------------
  // Start and stop

  /** Loads the view, joins, and starts the periodic work. Blocks up to the join timeout. */
  public void start() {
    long deadline = joinDeadline;
    if (settings.messageHandler() != null) {
      dispatcher = store.connection().createDispatcher();
    }
    submitAndWait(events, this::startWatch, settings.operationTimeout().multipliedBy(3));
    try {
      long wait = Math.max(1, deadline - System.nanoTime());
      if (!initialView.await(wait, TimeUnit.NANOSECONDS)) {
        throw new ClusterJoinException("the view of cluster " + settings.clusterName()
            + " did not load within " + settings.joinTimeout().toMillis() + " ms", null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterJoinException("interrupted while loading the cluster view", e);
    }
    joinBlocking(deadline);
    membership.scheduleWithFixedDelay(() -> guard("heartbeat", this::heartbeat),
        settings.heartbeatInterval().toNanos(), settings.heartbeatInterval().toNanos(),
        TimeUnit.NANOSECONDS);
    leader.scheduleWithFixedDelay(() -> guard("leader tick", this::leaderTick), 0,
        settings.leaderRenewInterval().toNanos(), TimeUnit.NANOSECONDS);
    events.scheduleWithFixedDelay(() -> guard("leader audit", this::leaderAudit),
        settings.membershipTtl().toNanos(), settings.membershipTtl().toNanos(),
        TimeUnit.NANOSECONDS);
    events.execute(() -> guard("reconcile", this::reconcile));
    LOG.info("node {} joined cluster {} ({} shards)", nodeId, settings.clusterName(),
        settings.shardCount());
  }

  /** Leaves gracefully: resigns, releases every shard, deletes the membership. Idempotent. */
  public void close() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
    }
    boolean onEventThread = Thread.currentThread() == eventThread[0];
    Duration step = settings.operationTimeout().multipliedBy(2);
    submitAndWaitQuietly(leader, () -> resign("the node is closing"), step);
    if (onEventThread) {
      releaseAll(ReleaseReason.LEAVING);
    } else {
      submitAndWaitQuietly(events, () -> releaseAll(ReleaseReason.LEAVING), null);
    }
    submitAndWaitQuietly(membership, this::leave, step);
    stopThreads(onEventThread);
    if (self != null) {
      LOG.info("node {} left cluster {}", nodeId, settings.clusterName());
    }
  }

  /** Stops everything at once without telling anyone, as a crashed process would. For tests. */
  public void crash() {
    synchronized (closeLock) {
      if (closed) {
        return;
      }
      closed = true;
      closing = true;
      crashed = true;
    }
    events.shutdownNow();
    membership.shutdownNow();
    leader.shutdownNow();
    awaitQuietly(membership);
    unsubscribeQuietly();
    LOG.info("node {} crashed (test)", nodeId);
  }

  private void stopThreads(boolean onEventThread) {
    membership.shutdownNow();
    leader.shutdownNow();
    if (onEventThread) {
      events.shutdown();
    } else {
      try {
        events.submit(this::unsubscribeQuietly).get(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
        LOG.debug("node {}: unsubscribing on close failed", nodeId, e);
      }
      events.shutdownNow();
      awaitQuietly(events);
    }
    awaitQuietly(membership);
    awaitQuietly(leader);
    if (onEventThread) {
      unsubscribeQuietly();
    }
  }

  private void unsubscribeQuietly() {
    NatsKeyValueWatchSubscription w = watch;
    watch = null;
    if (w != null) {
      try {
        w.unsubscribe();
      } catch (RuntimeException e) {
        LOG.debug("node {}: closing the watch failed", nodeId, e);
      }
    }
    Dispatcher d = dispatcher;
    if (d != null) {
      try {
        store.connection().closeDispatcher(d);
      } catch (RuntimeException e) {
        LOG.debug("node {}: closing the dispatcher failed", nodeId, e);
      }
    }
  }

  private static void awaitQuietly(ScheduledThreadPoolExecutor executor) {
    try {
      executor.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void submitAndWait(ScheduledThreadPoolExecutor executor, Runnable task,
      Duration timeout) {
    Future<?> future = executor.submit(task);
    try {
      future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterJoinException("interrupted while joining", e);
    } catch (TimeoutException e) {
      throw new ClusterUnavailableException("NATS did not answer in time while joining", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private void submitAndWaitQuietly(ScheduledThreadPoolExecutor executor, Runnable task,
      Duration timeout) {
    try {
      Future<?> future = executor.submit(() -> guard("close", task));
      if (timeout == null) {
        future.get();
      } else {
        future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | RejectedExecutionException e) {
      LOG.warn("node {}: a step of leaving did not complete: {}", nodeId, e.toString());
    }
  }

  private void guard(String what, Runnable task) {
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

  private void callListener(String what, Runnable call) {
    if (crashed) {
      return;
    }
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.error("node {}: listener {} threw", nodeId, what, e);
    }
  }

  private boolean connectionClosed() {
    return store.connection().getStatus() == Connection.Status.CLOSED;
  }

  // ------------------------------------------------------------------------------------------
  // Watch and view (events thread)

  private void startWatch() {
    int generation = ++watchGeneration;
    seenThisGeneration = new HashSet<>();
    NatsKeyValueWatchSubscription previous = watch;
    watch = null;
    if (previous != null) {
      try {
        previous.unsubscribe();
      } catch (RuntimeException e) {
        LOG.debug("node {}: closing the old watch failed", nodeId, e);
      }
    }
    KeyValueWatcher watcher = new KeyValueWatcher() {
      @Override
      public void watch(KeyValueEntry entry) {
        submitEvent(() -> onEntry(generation, entry));
      }

      @Override
      public void endOfData() {
        submitEvent(() -> onEndOfData(generation));
      }
    };
    if (generation == 1) {
      watch = store.watchAll(watcher);
      return;
    }
    try {
      watch = store.watchAll(watcher);
    } catch (ClusterUnavailableException e) {
      LOG.warn("node {}: resubscribing to {} failed ({}); trying again", nodeId, store.bucket(),
          e.getMessage());
      try {
        events.schedule(() -> guard("watch", this::startWatch),
            settings.heartbeatInterval().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        LOG.debug("node {}: closing", nodeId);
      }
    }
  }

  private void submitEvent(Runnable event) {
    try {
      events.execute(() -> guard("watch event", event));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: event dropped after close", nodeId);
    }
  }

  private void onEndOfData(int generation) {
    if (generation != watchGeneration) {
      return;
    }
    if (generation > 1) {
      forgetUnseenMembers();
    }
    if (!viewReady) {
      viewReady = true;
      LOG.debug("node {}: view loaded: {} member(s), leader {}, {}", nodeId, members.size(),
          viewLeaderId, assignment);
    }
    initialView.countDown();
    reconcile();
  }

  /**
   * After a resubscription, a member the new snapshot did not show may have ended while the old
   * watch was stalled (and its end marker expired since). A fresh consumer may also lag, so ask
   * the stream leader before believing it.
   */
  private void forgetUnseenMembers() {
    for (ViewMember vm : new ArrayList<>(view.values())) {
      if (vm.record() == null || seenThisGeneration.contains(vm.nodeId())) {
        continue;
      }
      Optional<ClusterStore.Entry> last;
      try {
        last = store.last(ClusterStore.memberKey(vm.nodeId()));
      } catch (ClusterUnavailableException e) {
        continue;
      }
      if (last.isPresent() && last.get().isLive()) {
        continue;
      }
      long revision = Math.max(vm.revision() + 1,
          last.map(ClusterStore.Entry::revision).orElse(highestSeenRevision));
      view.put(vm.nodeId(), new ViewMember(vm.nodeId(), revision, null));
      memberGone(vm.record(),
          last.isPresent() && last.get().operation() == KeyValueOperation.DELETE);
    }
  }

  private void onEntry(int generation, KeyValueEntry entry) {
    if (generation != watchGeneration || closed) {
      return;
    }
    highestSeenRevision = Math.max(highestSeenRevision, entry.getRevision());
    String key = entry.getKey();
    if (ClusterStore.LEADER_KEY.equals(key)) {
      onLeaderEntry(entry);
    } else if (ClusterStore.ASSIGNMENT_KEY.equals(key)) {
      onAssignmentEntry(entry);
    } else if (key.startsWith(ClusterStore.MEMBER_PREFIX)) {
      onMemberEntry(entry);
    }
    if (viewReady) {
      reconcile();
    }
  }

  private void onMemberEntry(KeyValueEntry entry) {
    String id = ClusterStore.nodeIdOfMemberKey(entry.getKey());
    if (id == null) {
      return;
    }
    seenThisGeneration.add(id);
    long revision = entry.getRevision();
    ViewMember previous = view.get(id);
    if (previous != null && revision <= previous.revision()) {
      return;
    }
    if (id.equals(nodeId)) {
      lastSeenOwnRevision = revision;
    }
    if (entry.getOperation() == KeyValueOperation.PUT) {
      MemberRecord record;
      try {
        record = MemberRecord.decode(entry.getValue());
      } catch (IllegalArgumentException e) {
        LOG.warn("node {}: ignoring unreadable member record {} at revision {}: {}", nodeId,
            entry.getKey(), revision, e.getMessage());
        return;
      }
      if (!record.nodeId().equals(id)) {
        LOG.warn("node {}: ignoring member record of {} under the key of {}", nodeId,
            record.nodeId(), id);
        return;
      }
      view.put(id, new ViewMember(id, revision, record));
      MemberRecord before = previous == null ? null : previous.record();
      if (before == null) {
        memberJoined(record);
      } else if (!before.incarnation().equals(record.incarnation())) {
        memberGone(before, false);
        memberJoined(record);
      }
    } else {
      view.put(id, new ViewMember(id, revision, null));
      if (previous != null && previous.record() != null) {
        memberGone(previous.record(), entry.getOperation() == KeyValueOperation.DELETE);
      }
    }
  }

  private void memberJoined(MemberRecord record) {
    refreshMembers();
    LOG.debug("node {}: {} joined", nodeId, record.nodeId());
    callListener("joined", () -> settings.membershipListener().joined(record.toMember()));
  }

  private void memberGone(MemberRecord record, boolean graceful) {
    refreshMembers();
    LOG.debug("node {}: {} {}", nodeId, record.nodeId(), graceful ? "left" : "failed");
    if (graceful) {
      callListener("left", () -> settings.membershipListener().left(record.toMember()));
    } else {
      callListener("failed", () -> settings.membershipListener().failed(record.toMember()));
    }
  }

  private void refreshMembers() {
    List<Member> list = new ArrayList<>();
    for (ViewMember vm : view.values()) {
      if (vm.record() != null) {
        list.add(vm.record().toMember());
      }
    }
    members = Collections.unmodifiableList(list);
    lastMembershipChange = System.nanoTime();
    if (isLeader()) {
      scheduleLeaderReconcile();
    }
  }

  private void onLeaderEntry(KeyValueEntry entry) {
    String newLeader = null;
    boolean mine = false;
    if (entry.getOperation() == KeyValueOperation.PUT) {
      try {
        LeaderRecord record = LeaderRecord.decode(entry.getValue());
        newLeader = record.nodeId();
        MemberRecord me = self;
        mine = record.nodeId().equals(nodeId) && me != null
            && leaderRecord != null && record.incarnation().equals(leaderRecordIncarnation());
      } catch (IllegalArgumentException e) {
        LOG.warn("node {}: unreadable leader record at revision {}: {}", nodeId,
            entry.getRevision(), e.getMessage());
        newLeader = "?";
      }
      leaderAbsent = false;
    } else {
      leaderAbsent = true;
    }
    long revision = entry.getRevision();
    if (!mine) {
      runOnLeaderThread(() -> leaderKeyChanged(revision));
    }
    if (!Objects.equals(newLeader, viewLeaderId)) {
      viewLeaderId = newLeader;
      Optional<String> seen = Optional.ofNullable(newLeader);
      LOG.debug("node {}: leader is now {}", nodeId, seen.orElse("(none)"));
      callListener("leaderChanged", () -> settings.leadershipListener().leaderChanged(seen));
    }
    if (leaderAbsent && viewReady) {
      requestCampaign();
    }
  }

  private String leaderRecordIncarnation() {
    LeaderRecord record = leaderRecord;
    return record == null ? "" : record.incarnation();
  }

  private void onAssignmentEntry(KeyValueEntry entry) {
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
    view.values().removeIf(vm -> vm.record() == null && !listedIds.contains(vm.nodeId()));
    LOG.debug("node {}: sees {}", nodeId, next);
    callListener("assignmentChanged", () -> settings.shardListener().assignmentChanged(next));
    Leadership l = leadership;
    if (l != null && next.fencingToken() > l.fencingToken()) {
      runOnLeaderThread(() -> lost(l, "a leader with a newer term published an assignment"));
    } else if (l != null && !next.leaderId().equals(nodeId)) {
      scheduleLeaderReconcile();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Shards (events thread)

  private void reconcile() {
    if (closing) {
      return;
    }
    Lease lease = memberLease;
    MemberRecord me = self;
    ShardAssignment a = assignment;
    if (lease != null && lease.isValid() && me != null && a != null) {
      if (a.epoch() > appliedEpoch || !me.incarnation().equals(appliedIncarnation)) {
        apply(a, me);
      }
      if (!pending.isEmpty() && a.epoch() == appliedEpoch && barrierPassed(a, me)) {
        activatePending(a, lease);
      }
    }
    if (viewReady && leaderAbsent && lease != null && lease.isValid()) {
      requestCampaign();
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
    pending.clear();
    for (Integer s : mine) {
      if (!active.containsKey(s)) {
        pending.add(s);
      }
    }
    LOG.debug("node {}: applied epoch {}: {} active, {} to acquire", nodeId, a.epoch(),
        active.size(), pending.size());
    confirm(me.incarnation(), a.epoch());
  }

  /**
   * Whether every other member listed in the assignment has confirmed exactly this epoch with the
   * listed incarnation, or has ended (its key expired, was deleted or was taken by a new
   * incarnation after the listing). Views only lag, and confirmations only grow, so a stale view
   * can only make this wait longer.
   */
  private boolean barrierPassed(ShardAssignment a, MemberRecord me) {
    for (ListedMember listed : Assignments.listed(a)) {
      if (listed.nodeId().equals(nodeId)) {
        continue;
      }
      ViewMember seen = view.get(listed.nodeId());
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
      if (closing || !lease.isValid()) {
        return;
      }
      long epoch = a.epoch();
      ShardGate gate = new ShardGate(s, lease);
      active.put(s, gate);
      callListener("acquired", () -> settings.shardListener().acquired(s, epoch));
      if (dispatcher != null) {
        try {
          gate.subscription(dispatcher.subscribe(subjectPrefix + s + ".*",
              message -> onRequest(gate, message)));
        } catch (RuntimeException e) {
          LOG.warn("node {}: could not subscribe to shard {}: {}", nodeId, s, e.toString());
        }
      }
    }
    LOG.debug("node {}: acquired {} shard(s) in epoch {}", nodeId, acquiring.size(), a.epoch());
  }

  private void release(int shard, ReleaseReason reason) {
    ShardGate gate = active.remove(shard);
    if (gate == null) {
      return;
    }
    // Bounded (shardDrainTimeout): a handler that never returns must not freeze the events
    // thread, which applies every other shard's assignment (see ShardGate).
    gate.close(settings.shardDrainTimeout(), handlerName());
    if (gate.subscription() != null && dispatcher != null) {
      try {
        dispatcher.unsubscribe(gate.subscription());
      } catch (RuntimeException e) {
        LOG.debug("node {}: unsubscribing shard {} failed: {}", nodeId, shard, e.toString());
      }
    }
    long epoch = appliedEpoch;
    callListener("released", () -> settings.shardListener().released(shard, epoch, reason));
  }

  private void releaseAll(ReleaseReason reason) {
    pending.clear();
    for (Integer s : new ArrayList<>(new TreeSet<>(active.keySet()))) {
      release(s, reason);
    }
  }

  private void onMembershipLost() {
    releaseAll(ReleaseReason.MEMBERSHIP_LOST);
    appliedEpoch = 0;
    appliedIncarnation = null;
    releasingAfterLoss = false;
    try {
      membership.execute(() -> guard("rejoin", this::rejoin));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Routing (NATS dispatcher thread, or the handler executor)

  private void onRequest(ShardGate gate, Message message) {
    if (!gate.enter()) {
      reply(message, RoutingProtocol.STATUS_MOVED, null, null);
      return;
    }
    Runnable work = () -> {
      gate.running();
      try {
        String subject = message.getSubject();
        String actorId = TokenEncoding.decode(subject.substring(subject.lastIndexOf('.') + 1));
        if (sharding.shardOf(actorId) != gate.shard()) {
          reply(message, RoutingProtocol.STATUS_FAILED, null, "actor '" + actorId
              + "' is not in shard " + gate.shard() + " of a cluster with "
              + sharding.shardCount() + " shards; does the sender use another shard count?");
          return;
        }
        byte[] result = settings.messageHandler().handle(actorId, message.getData());
        reply(message, RoutingProtocol.STATUS_OK, result, null);
      } catch (Exception e) {
        reply(message, RoutingProtocol.STATUS_FAILED, null, e.getClass().getName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      } finally {
        gate.finished();
        gate.exit();
      }
    };
    Executor executor = settings.handlerExecutor();
    if (executor == null) {
      work.run();
      return;
    }
    try {
      executor.execute(work);
    } catch (RejectedExecutionException e) {
      gate.exit();
      reply(message, RoutingProtocol.STATUS_MOVED, null, null);
    }
  }

  private String handlerName() {
    Object handler = settings.messageHandler();
    return handler == null ? "no message handler" : "message handler " + handler.getClass().getName();
  }

  private void reply(Message request, String status, byte[] body, String error) {
    String replyTo = request.getReplyTo();
    if (replyTo == null) {
      return;
    }
    Headers headers = new Headers()
        .add(RoutingProtocol.STATUS_HEADER, status)
        .add(RoutingProtocol.NODE_HEADER, nodeId);
    if (error != null) {
      headers.add(RoutingProtocol.ERROR_HEADER, error.replace('\n', ' ').replace('\r', ' '));
    }
    try {
      store.connection().publish(replyTo, headers, body == null ? new byte[0] : body);
    } catch (RuntimeException e) {
      LOG.debug("node {}: could not reply: {}", nodeId, e.toString());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Membership (membership thread)

  private void joinBlocking(long deadline) {
    String lastProblem = null;
    Throwable lastCause = null;
    while (true) {
      try {
        if (joinOnce(null)) {
          return;
        }
        lastProblem = "the node id " + nodeId + " is held by another live incarnation (another"
            + " process with the same id, or a previous run of this node whose membership has"
            + " not expired yet)";
      } catch (ClusterUnavailableException e) {
        lastProblem = "NATS did not answer: " + e.getMessage();
        lastCause = e;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new ClusterJoinException("node " + nodeId + " could not join cluster "
            + settings.clusterName() + " within " + settings.joinTimeout().toMillis() + " ms: "
            + lastProblem, lastCause);
      }
      try {
        Thread.sleep(Math.min(500, left / NANOS_PER_MILLI + 1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ClusterJoinException("interrupted while joining", e);
      }
    }
  }

  /**
   * Creates the membership key for a new incarnation. A key left by this process's previous
   * incarnation (which stopped acting when it lost its lease) is taken over.
   *
   * @return false if another incarnation holds the key
   */
  private boolean joinOnce(MemberRecord previousSelf) {
    MemberRecord record = new MemberRecord(nodeId, UUID.randomUUID().toString(), Instant.now(),
        settings.metadata(), 0);
    long sent = System.nanoTime();
    long revision;
    try {
      revision = store.create(memberKey, record.encode(), settings.membershipTtl());
    } catch (CasFailure e) {
      Optional<ClusterStore.Entry> existing = store.last(memberKey);
      if (existing.isEmpty() || !existing.get().isLive() || previousSelf == null) {
        return false;
      }
      MemberRecord holder;
      try {
        holder = MemberRecord.decode(existing.get().value());
      } catch (IllegalArgumentException bad) {
        return false;
      }
      if (!holder.incarnation().equals(previousSelf.incarnation())) {
        return false;
      }
      sent = System.nanoTime();
      try {
        revision = store.update(memberKey, record.encode(), existing.get().revision(),
            settings.membershipTtl());
      } catch (CasFailure again) {
        return false;
      }
    }
    Lease lease = new Lease(sent, memberValidNanos);
    memberRevision = revision;
    self = record;
    memberLease = lease;
    noteOwnWrite(revision);
    scheduleMembershipWatchdog(lease);
    return true;
  }

  private void heartbeat() {
    if (closing) {
      return;
    }
    Lease lease = memberLease;
    if (lease == null) {
      rejoin();
      return;
    }
    if (!lease.isValid()) {
      membershipLost(lease, "its membership lease ran out before it could be renewed");
      return;
    }
    if (connectionClosed()) {
      logConnectionClosed();
      return;
    }
    Confirmation confirmed = confirmation;
    MemberRecord renewing = self;
    MemberRecord record = renewing.withApplied(
        confirmed.incarnation().equals(renewing.incarnation()) ? confirmed.epoch() : 0);
    long sent = System.nanoTime();
    try {
      long revision = store.update(memberKey, record.encode(), memberRevision,
          settings.membershipTtl());
      memberRevision = revision;
      self = record;
      noteOwnWrite(revision);
      if (!lease.extend(sent)) {
        membershipLost(lease, "the renewal was acknowledged after the lease had run out");
        return;
      }
      scheduleMembershipWatchdog(lease);
    } catch (CasFailure e) {
      Optional<ClusterStore.Entry> current;
      try {
        current = store.last(memberKey);
      } catch (ClusterUnavailableException unavailable) {
        scheduleRetry(membership, this::heartbeat, "heartbeat");
        return;
      }
      if (current.isPresent() && current.get().isLive() && isMine(current.get())) {
        // A write whose acknowledgement was lost did land; continue from it.
        memberRevision = current.get().revision();
        membership.execute(() -> guard("heartbeat", this::heartbeat));
      } else {
        membershipLost(lease, "its membership key expired or was taken over");
      }
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: heartbeat failed, retrying: {}", nodeId, e.getMessage());
      scheduleRetry(membership, this::heartbeat, "heartbeat");
    }
  }

  private boolean isMine(ClusterStore.Entry entry) {
    try {
      return MemberRecord.decode(entry.value()).incarnation().equals(self.incarnation());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** How long the watch may lag behind this node's own writes before it is resubscribed. */
  private long watchStallNanos() {
    return Math.min(settings.membershipTtl().toNanos(),
        Math.max(3 * settings.heartbeatInterval().toNanos(), 2_000 * NANOS_PER_MILLI));
  }

  /**
   * The watch should show this node's own heartbeats. If one written three heartbeat intervals
   * ago (at least 2 s, at most a membership TTL) has still not shown up, resubscribe: the view is
   * then rebuilt from the bucket. jnats recovers a stalled ordered consumer by itself too, but
   * only after several missed idle heartbeats.
   * Called after each successful write of the membership key, on the membership thread.
   */
  private void noteOwnWrite(long revision) {
    long now = System.nanoTime();
    if (checkedOwnWrite > 0) {
      if (lastSeenOwnRevision >= checkedOwnWrite) {
        unseenSince = 0;
      } else if (unseenSince == 0) {
        unseenSince = checkedOwnWriteAt;
      } else if (now - unseenSince > watchStallNanos()) {
        LOG.warn("node {}: the watch of {} has not shown this node's own heartbeat for {} ms;"
            + " resubscribing", nodeId, store.bucket(), (now - unseenSince) / NANOS_PER_MILLI);
        unseenSince = 0;
        submitEvent(this::startWatch);
      }
    }
    checkedOwnWrite = revision;
    checkedOwnWriteAt = now;
  }

  private void scheduleMembershipWatchdog(Lease lease) {
    long delay = Math.max(0, lease.deadline() - System.nanoTime()) + NANOS_PER_MILLI;
    try {
      membership.schedule(() -> guard("membership watchdog", () -> {
        if (memberLease == lease && !lease.isValid()) {
          membershipLost(lease, "its membership lease ran out before it could be renewed");
        }
      }), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  private void membershipLost(Lease lease, String why) {
    if (memberLease != lease) {
      return;
    }
    lease.revoke();
    memberLease = null;
    lastMembershipEnd = lease.endedAt();
    if (closing) {
      return;
    }
    LOG.warn("node {} lost its membership of cluster {}: {}; its shards stopped at the lease"
        + " deadline; it will rejoin as a new incarnation", nodeId, settings.clusterName(), why);
    // A new incarnation replaces the old one's key, which lets others take its shards at once:
    // rejoin only after the event thread has released them (and told the listener).
    releasingAfterLoss = true;
    submitEvent(this::onMembershipLost);
    runOnLeaderThread(() -> resign("the node lost its membership"));
  }

  private void rejoin() {
    if (closing || memberLease != null || releasingAfterLoss) {
      return;
    }
    if (connectionClosed()) {
      logConnectionClosed();
      return;
    }
    MemberRecord previous = self;
    try {
      if (joinOnce(previous)) {
        LOG.info("node {} rejoined cluster {} as a new incarnation", nodeId,
            settings.clusterName());
        submitEvent(this::reconcile);
        return;
      }
      LOG.warn("node {}: cannot rejoin yet, another incarnation holds the node id", nodeId);
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: rejoining failed, retrying: {}", nodeId, e.getMessage());
    }
    if (!rejoinScheduled) {
      rejoinScheduled = true;
      try {
        membership.schedule(() -> guard("rejoin", () -> {
          rejoinScheduled = false;
          rejoin();
        }), settings.heartbeatInterval().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        rejoinScheduled = false;
      }
    }
  }

  private void confirm(String incarnation, long epoch) {
    confirmation = new Confirmation(incarnation, epoch);
    try {
      membership.execute(() -> guard("confirmation", this::heartbeat));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  private void leave() {
    Lease lease = memberLease;
    memberLease = null;
    if (lease == null) {
      return;
    }
    lease.revoke();
    lastMembershipEnd = lease.endedAt();
    if (connectionClosed()) {
      return;
    }
    try {
      store.delete(memberKey, memberRevision);
    } catch (CasFailure | ClusterUnavailableException e) {
      LOG.warn("node {}: could not delete its membership on leaving ({}); it will expire",
          nodeId, e.getMessage());
    }
  }

  private void logConnectionClosed() {
    if (!connectionClosedLogged) {
      connectionClosedLogged = true;
      LOG.error("node {}: its NATS connection is closed; it has stopped taking part in cluster"
          + " {} (close the node)", nodeId, settings.clusterName());
    }
  }

  private void scheduleRetry(ScheduledThreadPoolExecutor executor, Runnable task, String what) {
    long delay = Math.max(NANOS_PER_MILLI * 50, settings.heartbeatInterval().toNanos() / 4);
    try {
      executor.schedule(() -> guard(what, task), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Leader lease (leader thread)

  private void runOnLeaderThread(Runnable task) {
    try {
      leader.execute(() -> guard("leader", task));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  private void requestCampaign() {
    if (leadership == null && campaignQueued.compareAndSet(false, true)) {
      runOnLeaderThread(() -> {
        campaignQueued.set(false);
        campaignIfNeeded();
      });
    }
  }

  private void leaderTick() {
    Leadership l = leadership;
    if (l != null) {
      renew(l);
    } else {
      campaignIfNeeded();
    }
  }

  private void campaignIfNeeded() {
    Lease lease = memberLease;
    MemberRecord me = self;
    if (closing || leadership != null || !leaderAbsent || !viewReady || lease == null
        || !lease.isValid() || me == null || connectionClosed()) {
      return;
    }
    LeaderRecord record = new LeaderRecord(nodeId, UUID.randomUUID().toString(), Instant.now());
    long sent = System.nanoTime();
    long revision;
    try {
      revision = store.create(ClusterStore.LEADER_KEY, record.encode(), settings.leaderLeaseTtl());
    } catch (CasFailure e) {
      return;
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: campaign failed, retrying: {}", nodeId, e.getMessage());
      return;
    }
    Lease leaderLease = new Lease(sent, leaderValidNanos);
    Leadership l = ApiAccess.hooks().leadership(nodeId, revision, record.since(), leaderLease);
    leaderRecord = record;
    leaderRevision = revision;
    leadership = l;
    LOG.info("node {} is leader of cluster {} (fencing token {})", nodeId,
        settings.clusterName(), revision);
    scheduleLeaderWatchdog(l);
    submitEvent(() -> {
      callListener("elected", () -> settings.leadershipListener().elected(l));
      scheduleLeaderReconcile();
    });
  }

  private void renew(Leadership l) {
    if (!l.isValid()) {
      lost(l, "its lease ran out before it could be renewed");
      return;
    }
    if (connectionClosed()) {
      return;
    }
    long sent = System.nanoTime();
    try {
      long revision = store.update(ClusterStore.LEADER_KEY, leaderRecord.encode(), leaderRevision,
          settings.leaderLeaseTtl());
      leaderRevision = revision;
      if (!ApiAccess.hooks().lease(l).extend(sent)) {
        lost(l, "the renewal was acknowledged after the lease had run out");
        deleteLeaderKey(revision);
        return;
      }
      scheduleLeaderWatchdog(l);
    } catch (CasFailure e) {
      Optional<ClusterStore.Entry> current;
      try {
        current = store.last(ClusterStore.LEADER_KEY);
      } catch (ClusterUnavailableException unavailable) {
        scheduleRetry(leader, () -> {
          if (leadership == l) {
            renew(l);
          }
        }, "leader renewal");
        return;
      }
      if (current.isPresent() && current.get().isLive() && isMyLeaderRecord(current.get())) {
        leaderRevision = current.get().revision();
        runOnLeaderThread(() -> renew(l));
      } else {
        lost(l, "the lease key expired or was taken");
      }
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: renewing the leader lease failed, retrying: {}", nodeId,
          e.getMessage());
      scheduleRetry(leader, () -> {
        if (leadership == l) {
          renew(l);
        }
      }, "leader renewal");
    }
  }

  private boolean isMyLeaderRecord(ClusterStore.Entry entry) {
    try {
      LeaderRecord record = LeaderRecord.decode(entry.value());
      return record.nodeId().equals(nodeId)
          && record.incarnation().equals(leaderRecordIncarnation());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void scheduleLeaderWatchdog(Leadership l) {
    long delay = Math.max(0, ApiAccess.hooks().lease(l).deadline() - System.nanoTime()) + NANOS_PER_MILLI;
    try {
      leader.schedule(() -> guard("leader watchdog", () -> {
        if (leadership == l && !l.isValid()) {
          lost(l, "its lease ran out before it could be renewed");
        }
      }), delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  /** The lease key changed to something that is not this node's renewal. */
  private void leaderKeyChanged(long revision) {
    Leadership l = leadership;
    if (l != null && revision > leaderRevision) {
      lost(l, "the lease key changed under it");
    }
  }

  private void lost(Leadership l, String why) {
    ApiAccess.hooks().lease(l).revoke();
    if (leadership != l) {
      return;
    }
    leadership = null;
    LOG.warn("node {} is no longer leader of cluster {} (fencing token {}): {}", nodeId,
        settings.clusterName(), l.fencingToken(), why);
    submitEvent(() -> callListener("revoked", () -> settings.leadershipListener().revoked(l)));
  }

  private void resign(String why) {
    Leadership l = leadership;
    if (l == null) {
      return;
    }
    ApiAccess.hooks().lease(l).revoke();
    leadership = null;
    LOG.info("node {} resigns as leader of cluster {} (fencing token {}): {}", nodeId,
        settings.clusterName(), l.fencingToken(), why);
    deleteLeaderKey(leaderRevision);
    submitEvent(() -> callListener("revoked", () -> settings.leadershipListener().revoked(l)));
  }

  private void deleteLeaderKey(long revision) {
    if (connectionClosed()) {
      return;
    }
    try {
      store.delete(ClusterStore.LEADER_KEY, revision);
    } catch (CasFailure | ClusterUnavailableException e) {
      LOG.debug("node {}: could not delete the leader lease ({}); it will expire", nodeId,
          e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------------------
  // Assignment (events thread, on the leader)

  private void scheduleLeaderReconcile() {
    scheduleLeaderReconcile(0);
  }

  private void scheduleLeaderReconcile(long delayNanos) {
    if (leaderReconcileScheduled) {
      return;
    }
    leaderReconcileScheduled = true;
    Runnable task = () -> guard("assignment", () -> {
      leaderReconcileScheduled = false;
      leaderReconcile();
    });
    try {
      if (delayNanos <= 0) {
        events.execute(task);
      } else {
        events.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      }
    } catch (RejectedExecutionException e) {
      leaderReconcileScheduled = false;
    }
  }

  private void leaderAudit() {
    if (isLeader()) {
      leaderReconcile();
    }
  }

  private void leaderReconcile() {
    Leadership l = leadership;
    if (l == null || !l.isValid() || closing || !viewReady || connectionClosed()) {
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
      runOnLeaderThread(() -> lost(l, "a leader with a newer term published an assignment"));
      return;
    }
    AssignmentPlanner.Plan plan = AssignmentPlanner.plan(settings.shardCount(), current,
        store.members().values(), this::knownMember, settings.allocationStrategy());
    if (plan.unchanged()) {
      return;
    }
    if (current != null && !plan.orphans() && !plan.listed().isEmpty()) {
      long wait = lastMembershipChange + settings.rebalanceDelay().toNanos() - System.nanoTime();
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

  private Optional<Member> knownMember(String id) {
    ViewMember seen = view.get(id);
    return seen == null || seen.record() == null ? Optional.empty()
        : Optional.of(seen.record().toMember());
  }

  // ------------------------------------------------------------------------------------------
  // Accessors (any thread)

  @Override
  public boolean isLeader() {
    Leadership l = leadership;
    return l != null && l.isValid();
  }

  @Override
  public Optional<Leadership> leadership() {
    Leadership l = leadership;
    return l != null && l.isValid() ? Optional.of(l) : Optional.empty();
  }

  @Override
  public Optional<String> leaderId() {
    return Optional.ofNullable(viewLeaderId);
  }

  public boolean isMember() {
    Lease lease = memberLease;
    return lease != null && lease.isValid();
  }

  public List<Member> members() {
    return members;
  }

  public Optional<ShardAssignment> assignment() {
    return Optional.ofNullable(assignment);
  }

  public SortedSet<Integer> activeShards() {
    SortedSet<Integer> shards = new TreeSet<>();
    for (ShardGate gate : active.values()) {
      if (gate.isActive()) {
        shards.add(gate.shard());
      }
    }
    return Collections.unmodifiableSortedSet(shards);
  }

  public boolean isActive(int shard) {
    ShardGate gate = active.get(shard);
    return gate != null && gate.isActive();
  }

  public Sharding sharding() {
    return sharding;
  }

  public boolean isClosed() {
    return closed;
  }

  /** When the last membership lease of this node ended, on the monotonic clock. For tests. */
  public long lastMembershipEnd() {
    return lastMembershipEnd;
  }

  /** The current membership lease's deadline on the monotonic clock, or 0. For tests. */
  public long membershipDeadline() {
    Lease lease = memberLease;
    return lease == null ? 0 : lease.deadline();
  }
}
