package one.flowmade.aether.cluster.internal.runtime;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import one.flowmade.aether.Health;
import one.flowmade.aether.cluster.ClusterJoinException;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.cluster.LeaderElection;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.Member;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.allocation.AssignmentPublisher;
import one.flowmade.aether.cluster.internal.lease.LeaderLease;
import one.flowmade.aether.cluster.internal.lease.Lease;
import one.flowmade.aether.cluster.internal.membership.MemberRecord;
import one.flowmade.aether.cluster.internal.membership.MemberView;
import one.flowmade.aether.cluster.internal.membership.Membership;
import one.flowmade.aether.cluster.internal.ownership.ShardOwnership;
import one.flowmade.aether.cluster.internal.routing.LocalRoute;
import one.flowmade.aether.cluster.internal.routing.ShardEndpoint;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery of one {@link ClusterNode}: wires its parts ({@link Membership}, {@link
 * MemberView}, {@link LeaderLease}, {@link AssignmentPublisher}, {@link ShardOwnership}, {@link
 * ShardEndpoint}) on the threads of a {@link NodeContext}, starts and stops them, and feeds them
 * the watch of the cluster's bucket on the events thread.
 *
 * <p>Safety does not depend on the threads being scheduled: ownership of a shard and a term of
 * leadership are both checked against a {@link Lease} on the monotonic clock at the moment of use.
 * Thread-safe.
 */
public final class NodeRuntime implements LeaderElection {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final NodeContext node;
  private final Settings settings;
  private final ClusterStore store;
  private final String nodeId;
  private final long joinDeadline;
  private final MemberView view;
  private final Membership membership;
  private final LeaderLease leader;
  private final AssignmentPublisher publisher;
  private final ShardEndpoint endpoint;
  private final ShardOwnership ownership;
  private final NodeHealth health;

  // Events thread.
  private volatile @Nullable NatsKeyValueWatchSubscription watch;
  private int watchGeneration;
  private final CountDownLatch initialView = new CountDownLatch(1);
  /** Counted down once the first {@link #close()} (or {@link #crash()}) has finished. */
  private final CountDownLatch closed = new CountDownLatch(1);

  /**
   * Creates the runtime of a node that has not joined yet.
   *
   * @param settings the node's checked settings
   * @param store the cluster's bucket, open
   * @param joinDeadline when {@link #start()} gives up, on the monotonic clock
   */
  public NodeRuntime(Settings settings, ClusterStore store, long joinDeadline) {
    this.joinDeadline = joinDeadline;
    this.settings = settings;
    this.store = store;
    this.nodeId = settings.nodeId();
    this.node = new NodeContext(settings, store);
    this.view = new MemberView(node, this::membersChanged);
    this.membership = new Membership(node, view::lastSeenOwnRevision);
    this.publisher = new AssignmentPublisher(node, view);
    this.leader = new LeaderLease(node, membership, publisher::scheduleLeaderReconcile);
    this.publisher.leader(leader);
    this.endpoint = new ShardEndpoint(node);
    this.ownership = new ShardOwnership(node, membership, view, leader, publisher, endpoint);
    this.health = new NodeHealth(node, store, membership, leader, ownership);
    this.membership.events(new Membership.Events() {
      @Override
      public void lost() {
        node.submitEvent(ownership::onMembershipLost);
        node.runOnLeaderThread(() -> leader.resign("the node lost its membership"));
      }

      @Override
      public void rejoined() {
        node.submitEvent(NodeRuntime.this::reconcile);
      }

      @Override
      public void watchStalled() {
        node.submitEvent(NodeRuntime.this::startWatch);
      }
    });
  }

  private void membersChanged() {
    if (leader.isLeader()) {
      publisher.scheduleLeaderReconcile();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Start and stop

  /**
   * Loads the view, joins, and starts the periodic work. Blocks up to the join timeout.
   *
   * @throws ClusterJoinException if the node could not join in time
   * @throws ClusterUnavailableException if NATS did not answer
   */
  public void start() {
    long deadline = joinDeadline;
    endpoint.open();
    submitAndWait(node.events(), this::startWatch, settings.operationTimeout().multipliedBy(3));
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
    membership.joinBlocking(deadline);
    node.membershipThread().scheduleWithFixedDelay(
        () -> node.guard("heartbeat", membership::heartbeat),
        settings.heartbeatInterval().toNanos(), settings.heartbeatInterval().toNanos(),
        TimeUnit.NANOSECONDS);
    node.leaderThread().scheduleWithFixedDelay(
        () -> node.guard("leader tick", leader::leaderTick), 0,
        settings.leaderRenewInterval().toNanos(), TimeUnit.NANOSECONDS);
    node.events().scheduleWithFixedDelay(
        () -> node.guard("leader audit", publisher::leaderAudit),
        settings.membershipTtl().toNanos(), settings.membershipTtl().toNanos(),
        TimeUnit.NANOSECONDS);
    node.events().execute(() -> node.guard("reconcile", this::reconcile));
    LOG.info("node {} joined cluster {} ({} shards)", nodeId, settings.clusterName(),
        settings.shardCount());
  }

  /**
   * Sets the node's meters; call before {@link #start()}. They are removed when the node closes.
   *
   * @param meters the meters
   */
  public void meters(one.flowmade.aether.cluster.internal.NodeMeters meters) {
    node.meters(meters);
  }

  /** @return the node's meters ({@code NodeMeters.NONE} without a registry) */
  public one.flowmade.aether.cluster.internal.NodeMeters meters() {
    return node.meters();
  }

  /**
   * Leaves gracefully: resigns, releases every shard, deletes the membership. Idempotent: a
   * call while another thread closes the node waits until that close has finished, except on
   * the node's events thread (a listener), which returns at once. A caller interrupted before
   * the call still leaves; its interrupt flag is set again on return.
   */
  public void close() {
    // an interrupted caller still hands the shards over: its waits below would return at once
    boolean interrupted = Thread.interrupted();
    try {
      if (!node.markClosed(false)) {
        awaitClosed();
        return;
      }
      try {
        leave();
      } finally {
        closed.countDown();
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void awaitClosed() {
    if (node.onEventThread()) {
      return; // the close in progress may be waiting for this very listener
    }
    try {
      closed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void leave() {
    boolean onEventThread = node.onEventThread();
    Duration step = settings.operationTimeout().multipliedBy(2);
    submitAndWaitQuietly(node.leaderThread(), () -> leader.resign("the node is closing"), step);
    if (onEventThread) {
      ownership.releaseAll(ReleaseReason.LEAVING);
    } else {
      releaseAllBounded();
    }
    submitAndWaitQuietly(node.membershipThread(), membership::leave, step);
    stopThreads(onEventThread);
    node.meters().remove();
    if (membership.self() != null) {
      LOG.info("node {} left cluster {}", nodeId, settings.clusterName());
    }
  }

  /**
   * Releases every shard on the events thread and waits for it at most the shard drain timeout
   * plus twice the operation timeout: a listener or handler that does not return must not keep
   * the node from leaving. If the bound passes, logs what was left and returns; leaving then
   * revokes the membership lease, so the node no longer acts as owner of what it still holds.
   */
  private void releaseAllBounded() {
    Duration bound = settings.shardDrainTimeout().plus(settings.operationTimeout().multipliedBy(2));
    Future<?> release;
    try {
      release = node.events().submit(() -> node.guard("close",
          () -> ownership.releaseAll(ReleaseReason.LEAVING)));
    } catch (RejectedExecutionException e) {
      LOG.warn("node {}: could not release its shards on close: {}", nodeId, e.toString());
      return;
    }
    try {
      release.get(bound.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      LOG.warn("node {}: a step of leaving did not complete: {}", nodeId, e.toString());
    } catch (TimeoutException e) {
      Thread events = node.eventThread();
      StringBuilder where = new StringBuilder();
      StackTraceElement[] stack = events == null ? new StackTraceElement[0] : events.getStackTrace();
      for (int i = 0; i < Math.min(stack.length, 12); i++) {
        where.append(i == 0 ? "" : " < ").append(stack[i]);
      }
      LOG.error("node {}: closing waited {} for its shards to be released and leaves without"
          + " them: shards {} not released yet besides the one in progress, the events thread"
          + " '{}' is at {} (a shard listener,"
          + " membership or leadership listener, or a handler of a released shard that does not"
          + " return). Its membership lease is revoked now, so it no longer owns them; the"
          + " stuck call keeps its thread until the node stops its threads, which interrupts"
          + " it", nodeId, bound, ownership.activeShards(),
          events == null ? "?" : events.getName(), where.length() == 0 ? "?" : where);
    }
  }

  /** Stops everything at once without telling anyone, as a crashed process would. For tests. */
  public void crash() {
    if (!node.markClosed(true)) {
      return;
    }
    closed.countDown();
    node.events().shutdownNow();
    node.membershipThread().shutdownNow();
    node.leaderThread().shutdownNow();
    awaitQuietly(node.membershipThread());
    unsubscribeQuietly();
    node.meters().remove();
    LOG.info("node {} crashed (test)", nodeId);
  }

  private void stopThreads(boolean onEventThread) {
    ScheduledThreadPoolExecutor events = node.events();
    node.membershipThread().shutdownNow();
    node.leaderThread().shutdownNow();
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
    awaitQuietly(node.membershipThread());
    awaitQuietly(node.leaderThread());
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
    endpoint.close();
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
      Future<?> future = executor.submit(() -> node.guard("close", task));
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

  // ------------------------------------------------------------------------------------------
  // Watch (events thread)

  private void startWatch() {
    int generation = ++watchGeneration;
    view.newGeneration();
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
        node.submitEvent(() -> onEntry(generation, entry));
      }

      @Override
      public void endOfData() {
        node.submitEvent(() -> onEndOfData(generation));
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
        node.events().schedule(() -> node.guard("watch", this::startWatch),
            settings.heartbeatInterval().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException closing) {
        LOG.debug("node {}: closing", nodeId);
      }
    }
  }

  private void onEndOfData(int generation) {
    if (generation != watchGeneration) {
      return;
    }
    if (generation > 1) {
      view.forgetUnseenMembers();
    }
    if (node.markViewReady()) {
      LOG.debug("node {}: view loaded: {} member(s), leader {}, {}", nodeId,
          view.members().size(), leader.leaderId().orElse(null),
          ownership.assignment().orElse(null));
    }
    initialView.countDown();
    reconcile();
  }

  private void onEntry(int generation, KeyValueEntry entry) {
    if (generation != watchGeneration || node.closed()) {
      return;
    }
    view.sawRevision(entry.getRevision());
    String key = entry.getKey();
    if (ClusterStore.LEADER_KEY.equals(key)) {
      leader.onLeaderEntry(entry);
    } else if (ClusterStore.ASSIGNMENT_KEY.equals(key)) {
      ownership.onAssignmentEntry(entry);
    } else if (key.startsWith(ClusterStore.MEMBER_PREFIX)) {
      view.onMemberEntry(entry);
    }
    if (node.viewReady()) {
      reconcile();
    }
  }

  private void reconcile() {
    if (node.closing()) {
      return;
    }
    Lease lease = membership.lease();
    MemberRecord me = membership.self();
    ownership.reconcile(lease, me);
    if (node.viewReady() && leader.leaderAbsent() && lease != null && lease.isValid()) {
      leader.requestCampaign();
    }
  }

  // ------------------------------------------------------------------------------------------
  // Accessors (any thread)

  @Override
  public boolean isLeader() {
    return leader.isLeader();
  }

  @Override
  public Optional<Leadership> leadership() {
    return leader.leadership();
  }

  @Override
  public Optional<String> leaderId() {
    return leader.leaderId();
  }

  /** @return whether this node is a member now */
  public boolean isMember() {
    return membership.isMember();
  }

  /** @return the live members, sorted by node id */
  public List<Member> members() {
    return view.members();
  }

  /** @return the latest assignment this node has seen */
  public Optional<ShardAssignment> assignment() {
    return ownership.assignment();
  }

  /** @return the shards this node owns now */
  public SortedSet<Integer> activeShards() {
    return ownership.activeShards();
  }

  /**
   * Returns whether this node owns a shard now.
   *
   * @param shard a shard in range
   * @return whether it owns it
   */
  public boolean isActive(int shard) {
    return ownership.isActive(shard);
  }

  /** @return the route by which the node's own router runs requests for the shards it serves */
  public LocalRoute localRoute() {
    return endpoint;
  }

  /** @return the cluster's sharding */
  public Sharding sharding() {
    return node.sharding();
  }

  /** @return the node's health now; see {@link NodeHealth#check()} */
  public Health health() {
    return health.check();
  }

  /** @return whether the node is closed */
  public boolean isClosed() {
    return node.closed();
  }

  /** @return when the last membership lease of this node ended, on the monotonic clock; tests */
  public long lastMembershipEnd() {
    return membership.lastMembershipEnd();
  }

  /** @return the current membership lease's deadline on the monotonic clock, or 0; tests */
  public long membershipDeadline() {
    return membership.membershipDeadline();
  }
}
