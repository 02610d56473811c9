package one.flowmade.aether.cluster;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import one.flowmade.aether.cluster.internal.allocation.ListedMember;

/**
 * Which node owns which shard, as published by the leader: each published assignment has an epoch
 * one larger than the one before it, and carries the fencing token of the leader that wrote it.
 *
 * <p>An assignment says who <em>should</em> own a shard. A node starts owning a shard it was
 * given only after every other member has confirmed that it applied this epoch (and so released
 * the shards it lost) or has gone; see {@link ClusterNode#activeShards()} for what a node owns
 * now and {@code docs/cluster.md} for the protocol.
 *
 * <p>Immutable and thread-safe.
 */
public final class ShardAssignment {

  private final long epoch;
  private final int shardCount;
  private final long fencingToken;
  private final String leaderId;
  private final Instant createdAt;
  private final List<ListedMember> members;
  private final int[] owners;

  ShardAssignment(long epoch, int shardCount, long fencingToken, String leaderId,
      Instant createdAt, List<ListedMember> members, int[] owners) {
    if (owners.length != shardCount) {
      throw new IllegalArgumentException("owners must have " + shardCount + " entries");
    }
    for (int owner : owners) {
      if (owner < -1 || owner >= members.size()) {
        throw new IllegalArgumentException("owner index " + owner + " out of range");
      }
    }
    this.epoch = epoch;
    this.shardCount = shardCount;
    this.fencingToken = fencingToken;
    this.leaderId = Objects.requireNonNull(leaderId, "leaderId");
    this.createdAt = Objects.requireNonNull(createdAt, "createdAt");
    this.members = List.copyOf(members);
    this.owners = owners.clone();
  }

  /**
   * Returns the epoch: 1 for the first assignment of a cluster, one more for each one after.
   *
   * @return the epoch, positive
   */
  public long epoch() {
    return epoch;
  }

  /**
   * Returns the number of shards of the cluster.
   *
   * @return the shard count
   */
  public int shardCount() {
    return shardCount;
  }

  /**
   * Returns the fencing token of the leader term that published this assignment.
   *
   * @return the token
   */
  public long fencingToken() {
    return fencingToken;
  }

  /**
   * Returns the id of the leader that published this assignment.
   *
   * @return the node id
   */
  public String leaderId() {
    return leaderId;
  }

  /**
   * Returns when the leader published this assignment, on the leader's wall clock.
   *
   * @return the publication time
   */
  public Instant createdAt() {
    return createdAt;
  }

  /**
   * Returns the members the leader saw when it computed this assignment, sorted by node id,
   * including members that were given no shard.
   *
   * @return an unmodifiable list of node ids
   */
  public List<String> nodes() {
    return members.stream().map(ListedMember::nodeId).toList();
  }

  /**
   * Returns the node a shard is assigned to.
   *
   * @param shard the shard, from 0 to {@code shardCount() - 1}
   * @return the node id, or empty if the shard has no owner (only when there were no members)
   * @throws IllegalArgumentException if the shard is out of range
   */
  public Optional<String> owner(int shard) {
    new Sharding(shardCount).checkShard(shard);
    int owner = owners[shard];
    return owner < 0 ? Optional.empty() : Optional.of(members.get(owner).nodeId());
  }

  /**
   * Returns the shards assigned to a node.
   *
   * @param nodeId a node id
   * @return an unmodifiable sorted set, empty if the node has none or is unknown
   */
  public SortedSet<Integer> shardsOf(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    SortedSet<Integer> shards = new TreeSet<>();
    for (int s = 0; s < shardCount; s++) {
      int owner = owners[s];
      if (owner >= 0 && members.get(owner).nodeId().equals(nodeId)) {
        shards.add(s);
      }
    }
    return Collections.unmodifiableSortedSet(shards);
  }

  /**
   * Returns how many shards each listed node has.
   *
   * @return node id to shard count, sorted by node id, every listed node present
   */
  public Map<String, Integer> shardCounts() {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (ListedMember member : members) {
      counts.put(member.nodeId(), 0);
    }
    for (int owner : owners) {
      if (owner >= 0) {
        counts.merge(members.get(owner).nodeId(), 1, Integer::sum);
      }
    }
    return Collections.unmodifiableMap(counts);
  }

  /**
   * Returns how many shards have no owner.
   *
   * @return the number of unassigned shards
   */
  public int unassignedCount() {
    int count = 0;
    for (int owner : owners) {
      if (owner < 0) {
        count++;
      }
    }
    return count;
  }

  /**
   * Returns the balance of this assignment over its listed nodes.
   *
   * @return the statistics
   */
  public BalanceStats stats() {
    return BalanceStats.of(shardCounts().values());
  }

  /**
   * Returns how many shards have a different owner here than in another assignment.
   *
   * @param other an assignment of a cluster with the same shard count
   * @return the number of shards that moved
   * @throws IllegalArgumentException if the shard counts differ
   */
  public int movesFrom(ShardAssignment other) {
    Objects.requireNonNull(other, "other");
    if (other.shardCount != shardCount) {
      throw new IllegalArgumentException(
          "shard counts differ: " + shardCount + " and " + other.shardCount);
    }
    int moves = 0;
    for (int s = 0; s < shardCount; s++) {
      if (!Objects.equals(owner(s), other.owner(s))) {
        moves++;
      }
    }
    return moves;
  }

  /** Returns the listed members with their incarnations and listing revisions. */
  List<ListedMember> listed() {
    return members;
  }

  /** Returns the index into {@link #listed()} of a shard's owner, or -1. */
  int ownerIndex(int shard) {
    return owners[shard];
  }

  @Override
  public String toString() {
    return "ShardAssignment[epoch " + epoch + ", leader " + leaderId + " (token " + fencingToken
        + "), " + shardCounts() + (unassignedCount() > 0 ? ", " + unassignedCount()
        + " unassigned" : "") + "]";
  }
}
