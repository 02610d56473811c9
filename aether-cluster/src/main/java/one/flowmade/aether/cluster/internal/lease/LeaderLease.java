package one.flowmade.aether.cluster.internal.lease;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.internal.ApiAccess;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.membership.MemberRecord;
import one.flowmade.aether.cluster.internal.membership.Membership;
import one.flowmade.aether.cluster.internal.store.CasFailure;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader lease, on the leader thread: campaigns for the {@code leader} key while nobody
 * holds it, renews it with the expected revision, and ends the term when the lease runs out, the
 * key changes under it, a newer term publishes, or the node resigns. The events thread feeds it
 * the key's entries ({@link #onLeaderEntry(KeyValueEntry)}).
 *
 * <p>Thread-safe: the term is written on the leader thread and read from any thread.
 */
public final class LeaderLease {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);
  private static final long NANOS_PER_MILLI = NodeContext.NANOS_PER_MILLI;

  private final NodeContext node;
  private final Settings settings;
  private final ClusterStore store;
  private final String nodeId;
  private final long leaderValidNanos;
  private final Membership membership;
  private final Runnable elected;

  private volatile @Nullable Leadership leadership;
  private long leaderRevision;
  private volatile @Nullable LeaderRecord leaderRecord;
  private volatile boolean leaderAbsent = true;
  private final AtomicBoolean campaignQueued = new AtomicBoolean();
  private volatile @Nullable String viewLeaderId;
  private volatile long leaderUnknownSince = System.nanoTime();

  /**
   * Creates the lease of a node that does not lead.
   *
   * @param node the node
   * @param membership the node's membership: only a member campaigns
   * @param elected called on the events thread after the leadership listener heard of a new term
   */
  public LeaderLease(NodeContext node, Membership membership, Runnable elected) {
    this.node = node;
    this.settings = node.settings();
    this.store = node.store();
    this.nodeId = node.nodeId();
    this.leaderValidNanos = settings.leaderLeaseTtl().minus(settings.safetyMargin()).toNanos();
    this.membership = membership;
    this.elected = elected;
  }

  /** @return the term this node holds, valid or not, or null */
  public @Nullable Leadership current() {
    return leadership;
  }

  /** @return whether this node holds a valid term now */
  public boolean isLeader() {
    Leadership l = leadership;
    return l != null && l.isValid();
  }

  /** @return the valid term this node holds, or empty */
  public Optional<Leadership> leadership() {
    Leadership l = leadership;
    return l != null && l.isValid() ? Optional.of(l) : Optional.empty();
  }

  /** @return the leader the watch shows, or empty */
  public Optional<String> leaderId() {
    return Optional.ofNullable(viewLeaderId);
  }

  /**
   * Returns how long the watch has shown no leader, on the monotonic clock: since the node
   * started, or since the last leader's key ended.
   *
   * @return nanoseconds; 0 while a leader is known
   */
  public long leaderUnknownNanos() {
    if (viewLeaderId != null) {
      return 0;
    }
    // Read after the leader: the start of the current leaderless period was written before it.
    return Math.max(0, System.nanoTime() - leaderUnknownSince);
  }

  /** @return whether the watch shows no leader key */
  public boolean leaderAbsent() {
    return leaderAbsent;
  }

  /** Queues a campaign on the leader thread unless this node leads or one is queued. */
  public void requestCampaign() {
    if (leadership == null && campaignQueued.compareAndSet(false, true)) {
      node.runOnLeaderThread(() -> {
        campaignQueued.set(false);
        campaignIfNeeded();
      });
    }
  }

  /** Renews the term, or campaigns if there is none. Periodic, on the leader thread. */
  public void leaderTick() {
    Leadership l = leadership;
    if (l != null) {
      renew(l);
    } else {
      campaignIfNeeded();
    }
  }

  private void campaignIfNeeded() {
    Lease lease = membership.lease();
    MemberRecord me = membership.self();
    if (node.closing() || leadership != null || !leaderAbsent || !node.viewReady()
        || lease == null || !lease.isValid() || me == null || node.connectionClosed()) {
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
    node.submitEvent(() -> {
      node.callListener("elected", () -> settings.leadershipListener().elected(l));
      elected.run();
    });
  }

  private void renew(Leadership l) {
    if (!l.isValid()) {
      lost(l, "its lease ran out before it could be renewed");
      return;
    }
    if (node.connectionClosed()) {
      return;
    }
    // The record is set before the first term and never cleared: a term means a record.
    LeaderRecord record = Objects.requireNonNull(leaderRecord, "a leader term without a record");
    long sent = System.nanoTime();
    try {
      long revision = store.update(ClusterStore.LEADER_KEY, record.encode(), leaderRevision,
          settings.leaderLeaseTtl());
      leaderRevision = revision;
      if (!lease(l).extend(sent)) {
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
        node.meters().renewalFailed("leader");
        node.scheduleRetry(node.leaderThread(), () -> {
          if (leadership == l) {
            renew(l);
          }
        }, "leader renewal");
        return;
      }
      if (current.isPresent() && current.get().isLive() && isMyLeaderRecord(current.get())) {
        leaderRevision = current.get().revision();
        node.runOnLeaderThread(() -> renew(l));
      } else {
        lost(l, "the lease key expired or was taken");
      }
    } catch (ClusterUnavailableException e) {
      LOG.debug("node {}: renewing the leader lease failed, retrying: {}", nodeId,
          e.getMessage());
      node.meters().renewalFailed("leader");
      node.scheduleRetry(node.leaderThread(), () -> {
        if (leadership == l) {
          renew(l);
        }
      }, "leader renewal");
    }
  }

  private static Lease lease(Leadership l) {
    return ApiAccess.hooks().lease(l);
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
    long delay = Math.max(0, lease(l).deadline() - System.nanoTime()) + NANOS_PER_MILLI;
    try {
      node.leaderThread().schedule(() -> node.guard("leader watchdog", () -> {
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

  /**
   * Ends a term that this node found it no longer holds. On the leader thread.
   *
   * @param l the term
   * @param why for the log
   */
  public void lost(Leadership l, String why) {
    lease(l).revoke();
    if (leadership != l) {
      return;
    }
    leadership = null;
    LOG.warn("node {} is no longer leader of cluster {} (fencing token {}): {}", nodeId,
        settings.clusterName(), l.fencingToken(), why);
    node.submitEvent(() -> node.callListener("revoked",
        () -> settings.leadershipListener().revoked(l)));
  }

  /**
   * Ends this node's term, if any, and deletes the lease key. On the leader thread.
   *
   * @param why for the log
   */
  public void resign(String why) {
    Leadership l = leadership;
    if (l == null) {
      return;
    }
    lease(l).revoke();
    leadership = null;
    LOG.info("node {} resigns as leader of cluster {} (fencing token {}): {}", nodeId,
        settings.clusterName(), l.fencingToken(), why);
    deleteLeaderKey(leaderRevision);
    node.submitEvent(() -> node.callListener("revoked",
        () -> settings.leadershipListener().revoked(l)));
  }

  private void deleteLeaderKey(long revision) {
    if (node.connectionClosed()) {
      return;
    }
    try {
      store.delete(ClusterStore.LEADER_KEY, revision);
    } catch (CasFailure | ClusterUnavailableException e) {
      LOG.debug("node {}: could not delete the leader lease ({}); it will expire", nodeId,
          e.getMessage());
    }
  }

  /**
   * Applies an entry of the leader key: who leads, and whether the key is free. On the events
   * thread.
   *
   * @param entry the entry
   */
  public void onLeaderEntry(KeyValueEntry entry) {
    String newLeader = null;
    boolean mine = false;
    if (entry.getOperation() == KeyValueOperation.PUT) {
      try {
        LeaderRecord record = LeaderRecord.decode(entry.getValue());
        newLeader = record.nodeId();
        MemberRecord me = membership.self();
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
      node.runOnLeaderThread(() -> leaderKeyChanged(revision));
    }
    if (!Objects.equals(newLeader, viewLeaderId)) {
      if (newLeader == null) {
        leaderUnknownSince = System.nanoTime();
      }
      viewLeaderId = newLeader;
      Optional<String> seen = Optional.ofNullable(newLeader);
      LOG.debug("node {}: leader is now {}", nodeId, seen.orElse("(none)"));
      node.callListener("leaderChanged", () -> settings.leadershipListener().leaderChanged(seen));
    }
    if (leaderAbsent && node.viewReady()) {
      requestCampaign();
    }
  }

  private String leaderRecordIncarnation() {
    LeaderRecord record = leaderRecord;
    return record == null ? "" : record.incarnation();
  }
}
