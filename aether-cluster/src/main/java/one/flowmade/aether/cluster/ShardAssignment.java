package one.flowmade.aether.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

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

  /** A member as listed by the leader when it computed the assignment. */
  record Listed(String nodeId, String incarnation, long revision) {}

  private final long epoch;
  private final int shardCount;
  private final long fencingToken;
  private final String leaderId;
  private final Instant createdAt;
  private final List<Listed> members;
  private final int[] owners;

  ShardAssignment(long epoch, int shardCount, long fencingToken, String leaderId,
      Instant createdAt, List<Listed> members, int[] owners) {
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
    return members.stream().map(Listed::nodeId).toList();
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
    for (Listed member : members) {
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

  /** Returns the owner of every shard as node ids ({@code null} for none). */
  List<String> ownerIds() {
    String[] ids = new String[shardCount];
    for (int s = 0; s < shardCount; s++) {
      ids[s] = owners[s] < 0 ? null : members.get(owners[s]).nodeId();
    }
    return Arrays.asList(ids);
  }

  /** Returns the listed members with their incarnations and listing revisions. */
  List<Listed> listed() {
    return members;
  }

  /** Returns the listed member that owns a shard, or null. */
  Listed ownerEntry(int shard) {
    int owner = owners[shard];
    return owner < 0 ? null : members.get(owner);
  }

  byte[] encode() {
    ObjectNode root = Json.object();
    root.put("v", 1);
    root.put("epoch", epoch);
    root.put("shardCount", shardCount);
    root.put("fencingToken", fencingToken);
    root.put("leader", leaderId);
    root.put("createdAt", createdAt.toEpochMilli());
    ArrayNode list = root.putArray("members");
    for (Listed m : members) {
      ObjectNode node = list.addObject();
      node.put("id", m.nodeId());
      node.put("inc", m.incarnation());
      node.put("rev", m.revision());
    }
    ArrayNode ownerArray = root.putArray("owners");
    for (int owner : owners) {
      ownerArray.add(owner);
    }
    return Json.bytes(root);
  }

  static ShardAssignment decode(byte[] bytes) {
    JsonNode root = Json.parse(bytes);
    List<Listed> members = new java.util.ArrayList<>();
    for (JsonNode m : Json.required(root, "members")) {
      members.add(new Listed(Json.text(m, "id"), Json.text(m, "inc"), Json.longValue(m, "rev")));
    }
    JsonNode ownerArray = Json.required(root, "owners");
    int[] owners = new int[ownerArray.size()];
    for (int i = 0; i < owners.length; i++) {
      owners[i] = ownerArray.get(i).asInt();
    }
    return new ShardAssignment(Json.longValue(root, "epoch"), (int) Json.longValue(root, "shardCount"),
        Json.longValue(root, "fencingToken"), Json.text(root, "leader"),
        Instant.ofEpochMilli(Json.longValue(root, "createdAt")), members, owners);
  }

  /** Builds an assignment from owner node ids; every owner must be listed. */
  static ShardAssignment of(long epoch, long fencingToken, String leaderId, Instant createdAt,
      List<Listed> members, List<String> ownerIds) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < members.size(); i++) {
      index.put(members.get(i).nodeId(), i);
    }
    int[] owners = new int[ownerIds.size()];
    for (int s = 0; s < owners.length; s++) {
      String id = ownerIds.get(s);
      if (id == null) {
        owners[s] = -1;
      } else {
        Integer i = index.get(id);
        if (i == null) {
          throw new IllegalArgumentException("shard " + s + " is allocated to " + id
              + ", which is not a member");
        }
        owners[s] = i;
      }
    }
    return new ShardAssignment(epoch, ownerIds.size(), fencingToken, leaderId, createdAt, members,
        owners);
  }

  @Override
  public String toString() {
    return "ShardAssignment[epoch " + epoch + ", leader " + leaderId + " (token " + fencingToken
        + "), " + shardCounts() + (unassignedCount() > 0 ? ", " + unassignedCount()
        + " unassigned" : "") + "]";
  }
}
