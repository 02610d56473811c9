package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

final class ShardingTest {

  @Test
  void hash64_matchesTheDocumentedValues() {
    // Pinned: the hash decides which shard an actor is in and must never change.
    assertThat(Sharding.hash64("")).isEqualTo(0xefd01f60ba992926L);
    assertThat(Sharding.hash64("a")).isEqualTo(0x82a2a958a9bece5bL);
    assertThat(Sharding.hash64("order-1")).isEqualTo(0x491b422e3af0d9a5L);
    assertThat(Sharding.hash64("\u00fc")).isEqualTo(0x9a8fa3aaaa09fd21L);
  }

  @Test
  void shardOf_isTheUnsignedRemainderOfTheHash() {
    Sharding sharding = Sharding.of(1024);
    assertThat(sharding.shardOf("a")).isEqualTo(603);
    assertThat(sharding.shardOf("order-1")).isEqualTo(421);
    assertThat(sharding.shardOf("\u00fc")).isEqualTo(289);
  }

  @Test
  void shardOf_spreadsActorsEvenly() {
    Sharding sharding = Sharding.of(64);
    int[] counts = new int[64];
    for (int i = 0; i < 64_000; i++) {
      counts[sharding.shardOf("actor-" + i)]++;
    }
    for (int count : counts) {
      assertThat(count).isBetween(850, 1150);
    }
  }

  @Test
  void shardOf_acceptsAnyValidActorId() {
    Sharding sharding = Sharding.of(16);
    // Ids with subject wildcards, spaces, unicode and the longest allowed length are sharded by
    // the documented function, computed here independently in arbitrary precision.
    for (String id : List.of("a.b *>", "orders.>", "*", "\u00fcber \u6f22\u5b57", "\uD83D\uDE00",
        "x".repeat(255))) {
      assertThat(sharding.shardOf(id)).as("shard of '%s'", id).isEqualTo(documentedShard(id, 16));
    }
    assertThatThrownBy(() -> sharding.shardOf("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sharding.shardOf("x".repeat(300)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void of_rejectsShardCountsOutOfRange() {
    assertThatThrownBy(() -> Sharding.of(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 1 and 16384");
    assertThatThrownBy(() -> Sharding.of(Sharding.MAX_SHARDS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sharding.of(8).checkShard(8))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0 and 7");
  }

  /** The class documentation's formula, in BigInteger arithmetic mod 2^64. */
  private static int documentedShard(String actorId, int shardCount) {
    BigInteger mod = BigInteger.ONE.shiftLeft(64);
    BigInteger h = new BigInteger("cbf29ce484222325", 16);
    for (byte b : actorId.getBytes(StandardCharsets.UTF_8)) {
      h = h.xor(BigInteger.valueOf(b & 0xFF)).multiply(new BigInteger("100000001b3", 16)).mod(mod);
    }
    h = h.xor(h.shiftRight(33)).multiply(new BigInteger("ff51afd7ed558ccd", 16)).mod(mod);
    h = h.xor(h.shiftRight(33)).multiply(new BigInteger("c4ceb9fe1a85ec53", 16)).mod(mod);
    h = h.xor(h.shiftRight(33));
    return h.mod(BigInteger.valueOf(shardCount)).intValueExact();
  }
}
