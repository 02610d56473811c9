package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    assertThat(sharding.shardOf("a.b *>")).isBetween(0, 15);
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
}
