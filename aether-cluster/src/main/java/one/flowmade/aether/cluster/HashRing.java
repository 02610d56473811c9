package one.flowmade.aether.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A consistent hash ring with virtual nodes: each node is placed at {@code virtualNodes} points of
 * the 64-bit ring, a key belongs to the node of the first point at or after the key's position
 * (wrapping around), and adding or removing a node only moves the keys between it and its
 * neighbours.
 *
 * <p>Positions use {@link Sharding#hash64(String)}: node {@code n}'s points are {@code
 * hash64(n + "#" + i)} for {@code i} in {@code 0 .. virtualNodes - 1}, a key's position is {@code
 * hash64(key)}, and shard {@code s} is placed as the key {@code "shard-" + s}. Points compare as
 * unsigned numbers; equal points are ordered by node id.
 *
 * <p>The default {@link AllocationStrategy#balanced()} uses a ring's {@link #preferenceList
 * preference lists} to decide which node a shard goes to first, and caps every node at its fair
 * share. On its own a ring is only statistically balanced ({@link #stats(int)} shows how much).
 *
 * <p>Immutable and thread-safe.
 */
public final class HashRing {

  /** The number of virtual nodes per node that {@link #of(Collection)} uses. */
  public static final int DEFAULT_VIRTUAL_NODES = 128;
  /** The largest number of virtual nodes per node accepted. */
  public static final int MAX_VIRTUAL_NODES = 4096;

  private final List<String> nodes;
  private final int virtualNodes;
  private final long[] points;
  private final int[] owners;

  private HashRing(List<String> nodes, int virtualNodes) {
    this.nodes = nodes;
    this.virtualNodes = virtualNodes;
    int size = nodes.size() * virtualNodes;
    long[] pts = new long[size];
    int[] own = new int[size];
    Integer[] idx = new Integer[size];
    int k = 0;
    for (int n = 0; n < nodes.size(); n++) {
      for (int v = 0; v < virtualNodes; v++) {
        pts[k] = Sharding.hash64(nodes.get(n) + "#" + v);
        own[k] = n;
        idx[k] = k;
        k++;
      }
    }
    Arrays.sort(idx, (a, b) -> {
      int c = Long.compareUnsigned(pts[a], pts[b]);
      return c != 0 ? c : Integer.compare(own[a], own[b]);
    });
    this.points = new long[size];
    this.owners = new int[size];
    for (int i = 0; i < size; i++) {
      points[i] = pts[idx[i]];
      owners[i] = own[idx[i]];
    }
  }

  /**
   * Returns a ring of the given nodes with {@link #DEFAULT_VIRTUAL_NODES} virtual nodes each.
   *
   * @param nodeIds the node ids; duplicates count once
   * @return the ring
   * @throws NullPointerException if the collection or an id is null
   * @throws IllegalArgumentException if an id is empty
   */
  public static HashRing of(Collection<String> nodeIds) {
    return of(nodeIds, DEFAULT_VIRTUAL_NODES);
  }

  /**
   * Returns a ring of the given nodes.
   *
   * @param nodeIds the node ids; duplicates count once
   * @param virtualNodes points per node, from 1 to {@link #MAX_VIRTUAL_NODES}; more points give a
   *     more even spread and cost memory and build time
   * @return the ring
   * @throws NullPointerException if the collection or an id is null
   * @throws IllegalArgumentException if an id is empty or {@code virtualNodes} is out of range
   */
  public static HashRing of(Collection<String> nodeIds, int virtualNodes) {
    Objects.requireNonNull(nodeIds, "nodeIds");
    if (virtualNodes < 1 || virtualNodes > MAX_VIRTUAL_NODES) {
      throw new IllegalArgumentException(
          "virtualNodes must be between 1 and " + MAX_VIRTUAL_NODES + ", was " + virtualNodes);
    }
    SortedSet<String> sorted = new TreeSet<>();
    for (String id : nodeIds) {
      Objects.requireNonNull(id, "node id");
      if (id.isEmpty()) {
        throw new IllegalArgumentException("a node id must not be empty");
      }
      sorted.add(id);
    }
    return new HashRing(List.copyOf(sorted), virtualNodes);
  }

  /**
   * Returns the nodes on the ring, sorted by id.
   *
   * @return an unmodifiable list
   */
  public List<String> nodes() {
    return nodes;
  }

  /**
   * Returns the number of points per node.
   *
   * @return the virtual node count
   */
  public int virtualNodes() {
    return virtualNodes;
  }

  /**
   * Returns the node a key belongs to.
   *
   * @param key any string
   * @return the node, or empty when the ring has no node
   * @throws NullPointerException if the key is null
   */
  public Optional<String> nodeFor(String key) {
    if (nodes.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(nodes.get(owners[firstPointAtOrAfter(Sharding.hash64(key))]));
  }

  /**
   * Returns the node a shard belongs to (the shard is placed as the key {@code "shard-" + shard}).
   *
   * @param shard a shard number, zero or more
   * @return the node, or empty when the ring has no node
   * @throws IllegalArgumentException if the shard is negative
   */
  public Optional<String> nodeForShard(int shard) {
    return nodeFor(shardKey(shard));
  }

  /**
   * Returns every node in the order the ring prefers them for a key: the owner first, then the
   * owners of the following points clockwise, each node once.
   *
   * @param key any string
   * @return an unmodifiable list of all nodes, empty when the ring has no node
   * @throws NullPointerException if the key is null
   */
  public List<String> preferenceList(String key) {
    return Collections.unmodifiableList(preferenceIndexes(Sharding.hash64(key)).stream()
        .map(nodes::get)
        .toList());
  }

  /**
   * Returns every node in the order the ring prefers them for a shard; see {@link
   * #preferenceList(String)}.
   *
   * @param shard a shard number, zero or more
   * @return an unmodifiable list of all nodes
   * @throws IllegalArgumentException if the shard is negative
   */
  public List<String> preferenceListForShard(int shard) {
    return preferenceList(shardKey(shard));
  }

  /**
   * Returns which share of the hash space each node owns, from 0 to 1, summing to 1.
   *
   * @return node id to share, sorted by node id; empty when the ring has no node
   */
  public Map<String, Double> ownership() {
    Map<String, Double> shares = new TreeMap<>();
    if (nodes.isEmpty()) {
      return shares;
    }
    double space = Math.pow(2, 64);
    for (String node : nodes) {
      shares.put(node, 0.0);
    }
    for (int i = 0; i < points.length; i++) {
      long previous = points[(i - 1 + points.length) % points.length];
      long arc = points[i] - previous;
      double size = points.length == 1 ? space : unsignedToDouble(arc);
      shares.merge(nodes.get(owners[i]), size / space, Double::sum);
    }
    return Collections.unmodifiableMap(shares);
  }

  /**
   * Returns how many shards each node would get if shards went to {@link #nodeForShard(int)}.
   *
   * @param shardCount the number of shards, from 1 to {@link Sharding#MAX_SHARDS}
   * @return node id to shard count, sorted by node id, every node present
   * @throws IllegalArgumentException if the shard count is out of range
   */
  public Map<String, Integer> shardCounts(int shardCount) {
    Sharding.of(shardCount);
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String node : nodes) {
      counts.put(node, 0);
    }
    for (int s = 0; s < shardCount && !nodes.isEmpty(); s++) {
      counts.merge(nodes.get(owners[firstPointAtOrAfter(Sharding.hash64(shardKey(s)))]), 1,
          Integer::sum);
    }
    return Collections.unmodifiableMap(counts);
  }

  /**
   * Returns the balance of {@link #shardCounts(int)}.
   *
   * @param shardCount the number of shards, from 1 to {@link Sharding#MAX_SHARDS}
   * @return the statistics
   * @throws IllegalArgumentException if the shard count is out of range
   */
  public BalanceStats stats(int shardCount) {
    return BalanceStats.of(shardCounts(shardCount).values());
  }

  /** Node indexes (into {@link #nodes}) in preference order for a position. */
  List<Integer> preferenceIndexes(long position) {
    List<Integer> order = new ArrayList<>(nodes.size());
    if (nodes.isEmpty()) {
      return order;
    }
    boolean[] seen = new boolean[nodes.size()];
    int start = firstPointAtOrAfter(position);
    for (int i = 0; i < points.length && order.size() < nodes.size(); i++) {
      int owner = owners[(start + i) % points.length];
      if (!seen[owner]) {
        seen[owner] = true;
        order.add(owner);
      }
    }
    return order;
  }

  /** The key a shard is placed by on the ring. */
  static String shardKey(int shard) {
    if (shard < 0) {
      throw new IllegalArgumentException("shard must not be negative, was " + shard);
    }
    return "shard-" + shard;
  }

  private int firstPointAtOrAfter(long position) {
    int lo = 0;
    int hi = points.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(points[mid], position) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == points.length ? 0 : lo;
  }

  private static double unsignedToDouble(long value) {
    double d = (double) (value >>> 1) * 2.0;
    return d + (value & 1);
  }

  @Override
  public String toString() {
    return "HashRing" + nodes + "x" + virtualNodes;
  }
}
