package one.flowmade.aether.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import one.flowmade.aether.Limits;

/**
 * Maps actor ids to shards with a stable, documented hash, so that every node, every process and
 * every language computes the same shard for the same actor.
 *
 * <p>{@code shardOf(actorId) = unsignedRemainder(hash64(actorId), shardCount)}, where {@code
 * hash64} is 64-bit FNV-1a over the UTF-8 bytes of the actor id followed by the MurmurHash3
 * {@code fmix64} finaliser:
 *
 * <pre>
 * h = 0xcbf29ce484222325
 * for each byte b of UTF-8(actorId): h = (h XOR b) * 0x100000001b3        (mod 2^64)
 * h ^= h >>> 33; h *= 0xff51afd7ed558ccd; h ^= h >>> 33; h *= 0xc4ceb9fe1a85ec53; h ^= h >>> 33
 * shard = Long.remainderUnsigned(h, shardCount)
 * </pre>
 *
 * <p>The function never changes between versions; changing the shard count of a cluster moves
 * almost every actor, so a cluster keeps the shard count it was created with (see {@link
 * ClusterNode.Builder#shardCount(int)}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param shardCount the number of shards, from 1 to {@link #MAX_SHARDS}
 */
public record Sharding(int shardCount) {

  /** The default number of shards of a cluster. */
  public static final int DEFAULT_SHARDS = 1024;
  /** The largest number of shards a cluster may have. */
  public static final int MAX_SHARDS = 16384;

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /**
   * Checks the shard count.
   *
   * @param shardCount the number of shards
   * @throws IllegalArgumentException if {@code shardCount} is not between 1 and {@link
   *     #MAX_SHARDS}
   */
  public Sharding {
    if (shardCount < 1 || shardCount > MAX_SHARDS) {
      throw new IllegalArgumentException(
          "shardCount must be between 1 and " + MAX_SHARDS + ", was " + shardCount);
    }
  }

  /**
   * Returns the sharding with the given number of shards.
   *
   * @param shardCount the number of shards, from 1 to {@link #MAX_SHARDS}
   * @return the sharding
   * @throws IllegalArgumentException if the count is out of range
   */
  public static Sharding of(int shardCount) {
    return new Sharding(shardCount);
  }

  /**
   * Returns the shard an actor belongs to.
   *
   * @param actorId a valid actor id (see {@link Limits#checkActorId(String)})
   * @return the shard, from 0 to {@code shardCount - 1}
   * @throws IllegalArgumentException if the actor id is invalid
   * @throws NullPointerException if the actor id is null
   */
  public int shardOf(String actorId) {
    Limits.checkActorId(actorId);
    return (int) Long.remainderUnsigned(hash64(actorId), shardCount);
  }

  /**
   * Returns the documented 64-bit hash of a string (see the class documentation) that {@link
   * #shardOf(String)} and {@link HashRing} use. It never changes between versions.
   *
   * @param value any string
   * @return its hash
   * @throws NullPointerException if the value is null
   */
  public static long hash64(String value) {
    byte[] bytes = Objects.requireNonNull(value, "value").getBytes(StandardCharsets.UTF_8);
    long h = FNV_OFFSET;
    for (byte b : bytes) {
      h ^= b & 0xFF;
      h *= FNV_PRIME;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /**
   * Checks a shard number.
   *
   * @param shard the shard
   * @return the shard, for chaining
   * @throws IllegalArgumentException if it is not between 0 and {@code shardCount - 1}
   */
  public int checkShard(int shard) {
    if (shard < 0 || shard >= shardCount) {
      throw new IllegalArgumentException(
          "shard must be between 0 and " + (shardCount - 1) + ", was " + shard);
    }
    return shard;
  }
}
