package one.flowmade.aether.benchmarks.ring;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The baseline: a plain consistent-hash ring as most systems implement it (ketama style): each
 * node is placed at {@code virtualNodes} points, the first 8 bytes of MD5 of {@code node#i}, and a
 * key belongs to the first point at or after its own hash, wrapping around. No capping, no memory
 * of previous owners. Immutable and thread-safe.
 */
public final class PlainHashRing {

  private final TreeMap<Long, String> points = new TreeMap<>();

  /**
   * Builds the ring.
   *
   * @param nodes the node ids
   * @param virtualNodes points per node
   */
  public PlainHashRing(Collection<String> nodes, int virtualNodes) {
    for (String node : nodes) {
      for (int i = 0; i < virtualNodes; i++) {
        points.put(hash(node + "#" + i), node);
      }
    }
  }

  /**
   * Returns the owner of a shard.
   *
   * @param shard the shard
   * @return its node
   */
  public String ownerOf(int shard) {
    Map.Entry<Long, String> entry = points.ceilingEntry(hash("shard-" + shard));
    return (entry != null ? entry : points.firstEntry()).getValue();
  }

  /**
   * Returns the owner of every shard.
   *
   * @param shards the number of shards
   * @return owners by shard
   */
  public String[] owners(int shards) {
    String[] owners = new String[shards];
    for (int s = 0; s < shards; s++) {
      owners[s] = ownerOf(s);
    }
    return owners;
  }

  static long hash(String key) {
    try {
      byte[] d = MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8));
      long h = 0;
      for (int i = 0; i < 8; i++) {
        h = h << 8 | (d[i] & 0xff);
      }
      // Signed order is as good as unsigned for a ring; only the wrap-around point differs.
      return h;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JDK", e);
    }
  }
}
