package one.flowmade.aether.cluster.internal.membership;

import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.cluster.Member;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members as this node's watch of the bucket shows them: each member key's last record or
 * end marker, and the membership listener's calls for joins, leaves and failures.
 *
 * <p>Written only on the events thread; {@link #members()} and {@link #lastSeenOwnRevision()}
 * may be read from any thread.
 */
public final class MemberView {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  /**
   * A member key as this node last saw it: a record, or an end marker ({@code record == null}).
   *
   * @param nodeId the member's node id
   * @param revision the revision of the key's last entry
   * @param record the member's record, or null if the key ended
   */
  public record ViewMember(String nodeId, long revision, @Nullable MemberRecord record) {}

  private final NodeContext node;
  private final Settings settings;
  private final ClusterStore store;
  private final String nodeId;
  private final Runnable membersChanged;
  private final Map<String, ViewMember> view = new TreeMap<>();
  private volatile List<Member> members = List.of();
  private long lastMembershipChange;
  private Set<String> seenThisGeneration = new HashSet<>();
  private long highestSeenRevision;
  private volatile long lastSeenOwnRevision;

  /**
   * Creates an empty view.
   *
   * @param node the node
   * @param membersChanged called on the events thread after the members changed
   */
  public MemberView(NodeContext node, Runnable membersChanged) {
    this.node = node;
    this.settings = node.settings();
    this.store = node.store();
    this.nodeId = node.nodeId();
    this.membersChanged = membersChanged;
  }

  /** @return the live members, sorted by node id */
  public List<Member> members() {
    return members;
  }

  /** @return when the members last changed, on the monotonic clock */
  public long lastMembershipChange() {
    return lastMembershipChange;
  }

  /** @return the latest revision of this node's own member key the watch has shown */
  public long lastSeenOwnRevision() {
    return lastSeenOwnRevision;
  }

  /**
   * Returns how this node last saw a member key.
   *
   * @param id a node id
   * @return the entry, or null if the key was never seen (or forgotten)
   */
  public @Nullable ViewMember get(String id) {
    return view.get(id);
  }

  /**
   * Returns a member the view shows as live.
   *
   * @param id a node id
   * @return the member, or empty
   */
  public Optional<Member> knownMember(String id) {
    ViewMember seen = view.get(id);
    return seen == null || seen.record() == null ? Optional.empty()
        : Optional.of(seen.record().toMember());
  }

  /** Starts a new watch generation: members are then counted as seen again. */
  public void newGeneration() {
    seenThisGeneration = new HashSet<>();
  }

  /**
   * Notes a revision the watch delivered.
   *
   * @param revision any entry's revision
   */
  public void sawRevision(long revision) {
    highestSeenRevision = Math.max(highestSeenRevision, revision);
  }

  /**
   * Forgets the end markers of members that an assignment does not list.
   *
   * @param listedIds the node ids the assignment lists
   */
  public void forgetEndedExcept(Set<String> listedIds) {
    view.values().removeIf(vm -> vm.record() == null && !listedIds.contains(vm.nodeId()));
  }

  /**
   * After a resubscription, a member the new snapshot did not show may have ended while the old
   * watch was stalled (and its end marker expired since). A fresh consumer may also lag, so ask
   * the stream leader before believing it.
   */
  public void forgetUnseenMembers() {
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

  /**
   * Applies an entry of a member key.
   *
   * @param entry the entry, its key under {@link ClusterStore#MEMBER_PREFIX}
   */
  public void onMemberEntry(KeyValueEntry entry) {
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
    node.callListener("joined", () -> settings.membershipListener().joined(record.toMember()));
  }

  private void memberGone(MemberRecord record, boolean graceful) {
    refreshMembers();
    LOG.debug("node {}: {} {}", nodeId, record.nodeId(), graceful ? "left" : "failed");
    if (graceful) {
      node.callListener("left", () -> settings.membershipListener().left(record.toMember()));
    } else {
      node.callListener("failed", () -> settings.membershipListener().failed(record.toMember()));
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
    membersChanged.run();
  }
}
