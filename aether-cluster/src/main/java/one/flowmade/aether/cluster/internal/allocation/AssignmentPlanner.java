package one.flowmade.aether.cluster.internal.allocation;

import io.nats.client.api.KeyValueOperation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import one.flowmade.aether.cluster.AllocationContext;
import one.flowmade.aether.cluster.AllocationStrategy;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.Member;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.internal.membership.MemberRecord;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leader's computation of the next assignment from the current one and a fresh listing of the
 * member keys. Stateless and thread-safe.
 */
public final class AssignmentPlanner {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  /**
   * What the leader should publish.
   *
   * @param listed the members to list, sorted by node id
   * @param owners the owner of each shard
   * @param orphans whether some shard of the current assignment lost its owner (it left, failed
   *     or restarted), so the new assignment should go out at once
   * @param unchanged whether the current assignment already says all this
   */
  public record Plan(List<ListedMember> listed, List<String> owners, boolean orphans,
      boolean unchanged) {}

  private AssignmentPlanner() {}

  /**
   * Plans the next assignment.
   *
   * @param shardCount the cluster's shard count
   * @param current the current assignment, or null
   * @param memberEntries the last message of every member key, as the stream leader has them
   * @param known what this node knows about a member it keeps listed although the fresh listing
   *     did not show it live
   * @param strategy the allocation strategy; the balanced one replaces a result that is invalid
   */
  public static Plan plan(int shardCount, @Nullable ShardAssignment current,
      Collection<ClusterStore.Entry> memberEntries, Function<String, Optional<Member>> known,
      AllocationStrategy strategy) {
    Map<String, ListedMember> listed = new TreeMap<>();
    Map<String, Member> info = new TreeMap<>();
    listMembers(current, memberEntries, known, listed, info);

    String[] previousOwners = new String[shardCount];
    boolean orphans = false;
    for (int s = 0; s < shardCount; s++) {
      ListedMember owner = current == null ? null : Assignments.ownerEntry(current, s);
      ListedMember now = owner == null ? null : listed.get(owner.nodeId());
      if (owner != null && now != null && now.incarnation().equals(owner.incarnation())) {
        previousOwners[s] = owner.nodeId();
      } else if (current != null) {
        orphans = true;
      }
    }
    AllocationContext context = AllocationContext.of(shardCount, new ArrayList<>(info.values()),
        Arrays.asList(previousOwners));
    List<String> owners = allocate(strategy, context, listed);
    boolean unchanged = current != null && !orphans && owners.equals(Assignments.ownerIds(current))
        && sameMembers(Assignments.listed(current), listed.values());
    return new Plan(List.copyOf(listed.values()), owners, orphans, unchanged);
  }

  /**
   * Lists every member key that is live now, plus every member of the current assignment whose
   * key has not been seen to end since it was listed: a listing that lags must never drop a node
   * that may still own shards. A key with no message at all has ended (its end marker expired).
   */
  private static void listMembers(@Nullable ShardAssignment current,
      Collection<ClusterStore.Entry> entries, Function<String, Optional<Member>> known,
      Map<String, ListedMember> listed, Map<String, Member> info) {
    Map<String, Long> ended = new TreeMap<>();
    for (ClusterStore.Entry entry : entries) {
      String id = ClusterStore.nodeIdOfMemberKey(entry.key());
      if (id == null) {
        continue;
      }
      if (entry.operation() != KeyValueOperation.PUT) {
        ended.put(id, entry.revision());
        continue;
      }
      try {
        MemberRecord record = MemberRecord.decode(entry.value());
        if (record.nodeId().equals(id)) {
          listed.put(id, new ListedMember(id, record.incarnation(), entry.revision()));
          info.put(id, record.toMember());
        }
      } catch (IllegalArgumentException e) {
        LOG.warn("skipping the unreadable member record of {}: {}", id, e.getMessage());
      }
    }
    if (current == null) {
      return;
    }
    for (ListedMember before : Assignments.listed(current)) {
      ListedMember now = listed.get(before.nodeId());
      boolean keep;
      if (now != null) {
        keep = now.revision() < before.revision();
      } else if (ended.containsKey(before.nodeId())) {
        keep = ended.get(before.nodeId()) <= before.revision();
      } else {
        keep = false;
      }
      if (keep) {
        listed.put(before.nodeId(), before);
        info.put(before.nodeId(), known.apply(before.nodeId())
            .orElseGet(() -> new Member(before.nodeId(), Map.of(), Instant.EPOCH)));
      }
    }
  }

  private static List<String> allocate(AllocationStrategy strategy, AllocationContext context,
      Map<String, ListedMember> listed) {
    try {
      List<String> owners = strategy.allocate(context);
      String problem = check(owners, context, listed);
      if (problem == null) {
        return Arrays.asList(owners.toArray(new String[0]));
      }
      LOG.error("allocation strategy {} returned an invalid result ({}); using the balanced"
          + " strategy", strategy, problem);
    } catch (RuntimeException e) {
      LOG.error("allocation strategy {} threw; using the balanced strategy", strategy, e);
    }
    return AllocationStrategy.balanced().allocate(context);
  }

  /** Returns what is wrong with a strategy's result, or null if nothing is. */
  private static @Nullable String check(List<String> owners, AllocationContext context,
      Map<String, ListedMember> listed) {
    if (owners == null || owners.size() != context.shardCount()) {
      return "expected " + context.shardCount() + " owners, got "
          + (owners == null ? "null" : owners.size());
    }
    for (int s = 0; s < owners.size(); s++) {
      String owner = owners.get(s);
      if (owner == null) {
        if (!context.members().isEmpty()) {
          return "shard " + s + " has no owner";
        }
      } else if (!listed.containsKey(owner)) {
        return "shard " + s + " is allocated to " + owner + ", which is not a member";
      }
    }
    return null;
  }

  private static boolean sameMembers(List<ListedMember> before,
      Collection<ListedMember> now) {
    if (before.size() != now.size()) {
      return false;
    }
    Map<String, String> incarnations = new TreeMap<>();
    for (ListedMember l : before) {
      incarnations.put(l.nodeId(), l.incarnation());
    }
    for (ListedMember l : now) {
      if (!l.incarnation().equals(incarnations.get(l.nodeId()))) {
        return false;
      }
    }
    return true;
  }
}
