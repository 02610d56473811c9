package one.flowmade.aether.cluster.internal.membership;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import one.flowmade.aether.cluster.ClusterJoinException;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.lease.Lease;
import one.flowmade.aether.cluster.internal.store.CasFailure;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's membership, on the membership thread: joins, renews the membership key with {@code
 * Nats-TTL} and the expected revision (carrying the applied epoch: the release confirmation), and
 * rejoins with a new incarnation after losing the membership. The membership lease ends on the
 * monotonic clock before the key can expire on the server.
 *
 * <p>Thread-safe: the state is written on the membership thread (and by the joining thread before
 * it starts); {@link #lease()}, {@link #self()} and the other readers may be called from any
 * thread.
 */
public final class Membership {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final long NANOS_PER_MILLI = NodeContext.NANOS_PER_MILLI;

  /** What the rest of the node does when the membership changes; on the membership thread. */
  public interface Events {

    /** The membership was lost: release every shard, then call {@link #rejoinAfterRelease()}. */
    void lost();

    /** A new incarnation rejoined. */
    void rejoined();

    /** The watch has not shown this node's own heartbeat for too long: resubscribe. */
    void watchStalled();
  }

  /** The epoch the events thread has applied, and for which incarnation. */
  private record Confirmation(String incarnation, long epoch) {}

  private final NodeContext node;
  private final Settings settings;
  private final ClusterStore store;
  private final String nodeId;
  private final String memberKey;
  private final long memberValidNanos;
  private final LongSupplier lastSeenOwnRevision;
  /** Set before the join ({@link #events(Events)}). */
  private @Nullable Events events;

  /** Null before the join; never null again once a lease was granted. */
  private volatile @Nullable MemberRecord self;
  private volatile @Nullable Lease memberLease;
  private long memberRevision;
  private volatile Confirmation confirmation = new Confirmation("", 0);
  private volatile long lastMembershipEnd;
  private boolean rejoinScheduled;
  private volatile boolean releasingAfterLoss;
  private boolean connectionClosedLogged;
  private long checkedOwnWrite;
  private long checkedOwnWriteAt;
  private long unseenSince;

  /**
   * Creates the membership of a node that has not joined yet.
   *
   * @param node the node
   * @param lastSeenOwnRevision the latest revision of this node's member key the watch has shown
   */
  public Membership(NodeContext node, LongSupplier lastSeenOwnRevision) {
    this.node = node;
    this.settings = node.settings();
    this.store = node.store();
    this.nodeId = node.nodeId();
    this.memberKey = ClusterStore.memberKey(nodeId);
    this.memberValidNanos = settings.membershipTtl().minus(settings.safetyMargin()).toNanos();
    this.lastSeenOwnRevision = lastSeenOwnRevision;
  }

  /**
   * Sets what the node does on changes; before {@link #joinBlocking(long)}.
   *
   * @param events the callbacks
   */
  public void events(Events events) {
    this.events = events;
  }

  private Events callbacks() {
    return Objects.requireNonNull(events, "the membership's events are set before the join");
  }

  /** @return the current membership lease, or null between a loss and the rejoin */
  public @Nullable Lease lease() {
    return memberLease;
  }

  /** @return the current incarnation's record, or null before the join */
  public @Nullable MemberRecord self() {
    return self;
  }

  /** @return whether this node is a member now */
  public boolean isMember() {
    Lease lease = memberLease;
    return lease != null && lease.isValid();
  }

  /** @return when the last membership lease of this node ended, on the monotonic clock */
  public long lastMembershipEnd() {
    return lastMembershipEnd;
  }

  /** @return the current membership lease's deadline on the monotonic clock, or 0 */
  public long membershipDeadline() {
    Lease lease = memberLease;
    return lease == null ? 0 : lease.deadline();
  }

  /**
   * Joins, retrying until the deadline while the node id is held or NATS does not answer.
   *
   * @param deadline on the monotonic clock
   * @throws ClusterJoinException if the node could not join in time, or was interrupted
   */
  public void joinBlocking(long deadline) {
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
  private boolean joinOnce(@Nullable MemberRecord previousSelf) {
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

  /** Renews the membership key, or rejoins after a loss. On the membership thread. */
  public void heartbeat() {
    if (node.closing()) {
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
    if (node.connectionClosed()) {
      logConnectionClosed();
      return;
    }
    Confirmation confirmed = confirmation;
    // The record is set before the lease and never cleared: a lease means a record.
    MemberRecord renewing = Objects.requireNonNull(self, "a membership lease without a record");
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
        node.meters().renewalFailed("membership");
        node.scheduleRetry(node.membershipThread(), this::heartbeat, "heartbeat");
        return;
      }
      if (current.isPresent() && current.get().isLive() && isMine(current.get(), renewing)) {
        // A write whose acknowledgement was lost did land; continue from it.
        memberRevision = current.get().revision();
        node.membershipThread().execute(() -> node.guard("heartbeat", this::heartbeat));
      } else {
        membershipLost(lease, "its membership key expired or was taken over");
      }
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: heartbeat failed, retrying: {}", nodeId, e.getMessage());
      node.meters().renewalFailed("membership");
      node.scheduleRetry(node.membershipThread(), this::heartbeat, "heartbeat");
    }
  }

  private boolean isMine(ClusterStore.Entry entry, MemberRecord renewing) {
    try {
      return MemberRecord.decode(entry.value()).incarnation().equals(renewing.incarnation());
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
      if (lastSeenOwnRevision.getAsLong() >= checkedOwnWrite) {
        unseenSince = 0;
      } else if (unseenSince == 0) {
        unseenSince = checkedOwnWriteAt;
      } else if (now - unseenSince > watchStallNanos()) {
        LOG.warn("node {}: the watch of {} has not shown this node's own heartbeat for {} ms;"
            + " resubscribing", nodeId, store.bucket(), (now - unseenSince) / NANOS_PER_MILLI);
        unseenSince = 0;
        callbacks().watchStalled();
      }
    }
    checkedOwnWrite = revision;
    checkedOwnWriteAt = now;
  }

  private void scheduleMembershipWatchdog(Lease lease) {
    long delay = Math.max(0, lease.deadline() - System.nanoTime()) + NANOS_PER_MILLI;
    try {
      node.membershipThread().schedule(() -> node.guard("membership watchdog", () -> {
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
    if (node.closing()) {
      return;
    }
    LOG.warn("node {} lost its membership of cluster {}: {}; its shards stopped at the lease"
        + " deadline; it will rejoin as a new incarnation", nodeId, settings.clusterName(), why);
    // A new incarnation replaces the old one's key, which lets others take its shards at once:
    // rejoin only after the event thread has released them (and told the listener).
    releasingAfterLoss = true;
    callbacks().lost();
  }

  /** Called once the shards of a lost membership are released: rejoin now. Any thread. */
  public void rejoinAfterRelease() {
    releasingAfterLoss = false;
    try {
      node.membershipThread().execute(() -> node.guard("rejoin", this::rejoin));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  private void rejoin() {
    if (node.closing() || memberLease != null || releasingAfterLoss) {
      return;
    }
    if (node.connectionClosed()) {
      logConnectionClosed();
      return;
    }
    MemberRecord previous = self;
    try {
      if (joinOnce(previous)) {
        LOG.info("node {} rejoined cluster {} as a new incarnation", nodeId,
            settings.clusterName());
        callbacks().rejoined();
        return;
      }
      LOG.warn("node {}: cannot rejoin yet, another incarnation holds the node id", nodeId);
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: rejoining failed, retrying: {}", nodeId, e.getMessage());
    }
    if (!rejoinScheduled) {
      rejoinScheduled = true;
      try {
        node.membershipThread().schedule(() -> node.guard("rejoin", () -> {
          rejoinScheduled = false;
          rejoin();
        }), settings.heartbeatInterval().toNanos(), TimeUnit.NANOSECONDS);
      } catch (RejectedExecutionException e) {
        rejoinScheduled = false;
      }
    }
  }

  /**
   * Confirms that this node applied an epoch (released what it lost), with the next heartbeat,
   * which is sent now. Any thread.
   *
   * @param incarnation the incarnation that applied it
   * @param epoch the epoch
   */
  public void confirm(String incarnation, long epoch) {
    confirmation = new Confirmation(incarnation, epoch);
    try {
      node.membershipThread().execute(() -> node.guard("confirmation", this::heartbeat));
    } catch (RejectedExecutionException e) {
      LOG.debug("node {}: closing", nodeId);
    }
  }

  /** Ends the membership and deletes its key (else it expires). On the membership thread. */
  public void leave() {
    Lease lease = memberLease;
    memberLease = null;
    if (lease == null) {
      return;
    }
    lease.revoke();
    lastMembershipEnd = lease.endedAt();
    if (node.connectionClosed()) {
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
}
