package one.flowmade.aether.cluster.internal.runtime;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import one.flowmade.aether.Health;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.lease.LeaderLease;
import one.flowmade.aether.cluster.internal.lease.Lease;
import one.flowmade.aether.cluster.internal.membership.MemberRecord;
import one.flowmade.aether.cluster.internal.membership.Membership;
import one.flowmade.aether.cluster.internal.ownership.ShardOwnership;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;

/**
 * The health of one node: {@link #check()} observes the node (and, when connected, reads its
 * membership entry on the server, one request bounded by the operation timeout), {@link
 * #decide(Observed)} turns what it saw into a {@link Health}. Thread-safe; never throws.
 */
public final class NodeHealth {

  private static final long NANOS_PER_MILLI = NodeContext.NANOS_PER_MILLI;

  /** What the node's membership entry on the server is, as far as the check could tell. */
  public enum Entry {
    /** Live and written by this node's current incarnation. */
    MINE,
    /** Missing, deleted or expired. */
    MISSING,
    /** Live, but written by another incarnation of the node id. */
    OTHER_INCARNATION,
    /** NATS did not answer; {@link Observed#entryProblem()} says what happened. */
    NO_ANSWER,
    /** Not read: the node is closed, not connected or holds no membership lease. */
    NOT_READ
  }

  /**
   * What one check saw.
   *
   * @param nodeId the node
   * @param clusterName its cluster
   * @param closed whether the node is closed
   * @param connection the connection's status
   * @param hasLease whether the node holds a membership lease (it has none between a loss and the
   *     rejoin)
   * @param leaseValid whether that lease is valid now, on its own clock
   * @param renewalAgeNanos how long ago the lease was granted or last renewed (sent), or -1
   * @param entry what the membership entry on the server is
   * @param entryProblem why the entry could not be read, or null
   * @param leaderId the leader the watch shows, or null
   * @param leaderUnknownNanos how long no leader has been known, 0 while one is
   * @param epoch the newest assignment's epoch, or -1 before the first
   * @param shardsOwned the shards the node owns now
   * @param membershipTtl the membership TTL
   * @param safetyMargin the safety margin
   * @param leaderLeaseTtl the leader lease TTL
   */
  public record Observed(String nodeId, String clusterName, boolean closed,
      Connection.Status connection, boolean hasLease, boolean leaseValid, long renewalAgeNanos,
      Entry entry, @Nullable String entryProblem, @Nullable String leaderId,
      long leaderUnknownNanos, long epoch,
      int shardsOwned, Duration membershipTtl, Duration safetyMargin, Duration leaderLeaseTtl) {}

  private final NodeContext node;
  private final Settings settings;
  private final ClusterStore store;
  private final Membership membership;
  private final LeaderLease leader;
  private final ShardOwnership ownership;
  private final String memberKey;

  NodeHealth(NodeContext node, ClusterStore store, Membership membership, LeaderLease leader,
      ShardOwnership ownership) {
    this.node = node;
    this.settings = node.settings();
    this.store = store;
    this.membership = membership;
    this.leader = leader;
    this.ownership = ownership;
    this.memberKey = ClusterStore.memberKey(settings.nodeId());
  }

  /**
   * Checks the node now. At most one request (the node's membership entry), none when the node
   * is closed, not connected or holds no valid membership lease.
   *
   * @return the health
   */
  public Health check() {
    try {
      return decide(observe());
    } catch (RuntimeException e) {
      // A bug here must not take down the probe that asked.
      return Health.down("the health check failed: " + e, Map.of("node", settings.nodeId()));
    }
  }

  private Observed observe() {
    boolean closed = node.closed();
    Connection.Status status = store.connection().getStatus();
    Lease lease = membership.lease();
    MemberRecord self = membership.self();
    boolean leaseValid = lease != null && lease.isValid();
    long renewalAge = lease == null ? -1 : Math.max(0, System.nanoTime() - lease.renewedAt());
    Entry entry = Entry.NOT_READ;
    String entryProblem = null;
    if (!closed && status == Connection.Status.CONNECTED && leaseValid && self != null) {
      try {
        Optional<ClusterStore.Entry> last = store.last(memberKey);
        if (last.isEmpty() || !last.get().isLive()) {
          entry = Entry.MISSING;
        } else {
          entry = isMine(last.get(), self) ? Entry.MINE : Entry.OTHER_INCARNATION;
        }
      } catch (RuntimeException e) {
        entry = Entry.NO_ANSWER;
        entryProblem = e.getMessage();
      }
    }
    Optional<ShardAssignment> assignment = ownership.assignment();
    return new Observed(settings.nodeId(), settings.clusterName(), closed, status,
        lease != null, leaseValid, renewalAge, entry, entryProblem,
        leader.leaderId().orElse(null), leader.leaderUnknownNanos(),
        assignment.map(ShardAssignment::epoch).orElse(-1L),
        ownership.activeShards().size(), settings.membershipTtl(), settings.safetyMargin(),
        settings.leaderLeaseTtl());
  }

  private static boolean isMine(ClusterStore.Entry entry, MemberRecord self) {
    try {
      return MemberRecord.decode(entry.value()).incarnation().equals(self.incarnation());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Decides the health of what a check saw; the first problem found is the reason.
   *
   * @param o what the check saw
   * @return the health
   */
  public static Health decide(Observed o) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("cluster", o.clusterName());
    details.put("node", o.nodeId());
    if (o.closed()) {
      return Health.down("the node is closed", details);
    }
    details.put("connection", String.valueOf(o.connection()));
    details.put("member", Boolean.toString(o.leaseValid()));
    details.put("membership.entry", o.entry().name().toLowerCase(Locale.ROOT)
        .replace('_', '-'));
    details.put("leader", o.leaderId() == null ? "none" : o.leaderId());
    details.put("epoch", o.epoch() < 0 ? "none" : Long.toString(o.epoch()));
    details.put("shards.owned", Integer.toString(o.shardsOwned()));
    details.put("membership.renewalAgeMs",
        o.renewalAgeNanos() < 0 ? "none" : Long.toString(o.renewalAgeNanos() / NANOS_PER_MILLI));
    if (o.connection() != Connection.Status.CONNECTED) {
      return Health.down("not connected to NATS (" + o.connection() + ")", details);
    }
    if (!o.hasLease()) {
      return Health.down("not a member of cluster " + o.clusterName() + ": it lost its"
          + " membership and has not rejoined yet", details);
    }
    if (!o.leaseValid()) {
      return Health.down("its membership lease was last renewed "
          + o.renewalAgeNanos() / NANOS_PER_MILLI + " ms ago and has run out (membership TTL "
          + o.membershipTtl().toMillis() + " ms less the safety margin "
          + o.safetyMargin().toMillis() + " ms)", details);
    }
    switch (o.entry()) {
      case MISSING:
        return Health.down("its membership entry " + ClusterStore.memberKey(o.nodeId())
            + " is missing or expired on the server", details);
      case OTHER_INCARNATION:
        return Health.down("its membership entry " + ClusterStore.memberKey(o.nodeId())
            + " is held by another incarnation of node id " + o.nodeId(), details);
      case NO_ANSWER:
        return Health.down("no answer from NATS about its membership entry: "
            + o.entryProblem(), details);
      default:
        break;
    }
    if (o.leaderId() == null && o.leaderUnknownNanos() > o.leaderLeaseTtl().toNanos()) {
      return Health.down("no leader known for " + o.leaderUnknownNanos() / NANOS_PER_MILLI
          + " ms, longer than the leader lease TTL " + o.leaderLeaseTtl().toMillis() + " ms",
          details);
    }
    return Health.up(details);
  }
}
