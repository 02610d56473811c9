package one.flowmade.aether.projection.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import org.junit.jupiter.api.Test;

/** The builder, the partition-to-shard mapping and the status of partitions not run here. */
final class ClusteredProjectionTest {
  private final InMemoryEventStore events = InMemoryEventStore.create(Namespace.of("bank"));
  private final InMemoryCheckpointStore checkpoints = new InMemoryCheckpointStore();

  private Projection.Builder template(String name) {
    return Projection.builder().name(name).eventStore(events).onAny((e, ctx) -> { })
        .checkpointStore(checkpoints);
  }

  @Test
  void partitionsMapToConsecutiveShardsFromTheNamesHash_wrappingAround() {
    for (int shards : List.of(6, 16, 1024)) {
      int offset = (int) Long.remainderUnsigned(Sharding.hash64("balances"), shards);
      Set<Integer> seen = new HashSet<>();
      for (int p = 0; p < 6; p++) {
        int shard = ClusteredProjection.shardOf("balances", p, shards);
        assertThat(shard).isEqualTo((offset + p) % shards);
        seen.add(shard);
      }
      assertThat(seen).as("one shard per partition with %d shards", shards).hasSize(6);
    }
    assertThat(ClusteredProjection.shardOf("orders", 0, 1024))
        .isNotEqualTo(ClusteredProjection.shardOf("balances", 0, 1024));
  }

  @Test
  void shardOf_badInput_isRejectedNamingTheArgumentAndValue() {
    assertThatThrownBy(() -> ClusteredProjection.shardOf(null, 0, 16))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> ClusteredProjection.shardOf("", 0, 16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> ClusteredProjection.shardOf("balances", -1, 16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partition")
        .hasMessageContaining("was -1");
    assertThatThrownBy(() -> ClusteredProjection.shardOf("balances", 16, 16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 16");
    assertThatThrownBy(() -> ClusteredProjection.shardOf("balances", 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shardCount")
        .hasMessageContaining("was 0");
    assertThatThrownBy(() -> ClusteredProjection.shardOf("balances", 0, Sharding.MAX_SHARDS + 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shardCount");
    assertThat(ClusteredProjection.shardOf("balances", 15, 16)).isBetween(0, 15);
  }

  @Test
  void builder_refusesMissingOrConflictingModesAndTemplates_namingWhatIsWrong() {
    assertThatThrownBy(() -> ClusteredProjection.builder().partitions(4).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("projection(...)");
    assertThatThrownBy(() -> ClusteredProjection.builder().projection(template("b")).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("exclusive()");
    assertThatThrownBy(() -> ClusteredProjection.builder().partitions(1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exclusive()");
    assertThatThrownBy(() -> ClusteredProjection.builder().partitions(1025))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1025");
    assertThatThrownBy(() -> ClusteredProjection.builder().partitions(4).exclusive())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("4 partitions");
    assertThatThrownBy(() -> ClusteredProjection.builder()
        .projection(Projection.builder().name("b").eventStore(events).onAny((e, ctx) -> { }))
        .exclusive().build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("checkpoint store");
  }

  @Test
  void status_beforeAnyAssignment_showsEveryPartitionsStoredCheckpoint_notRunningHere() {
    for (int i = 0; i < 10; i++) {
      events.append("acc-" + i, ExpectedVersion.any(),
          List.of(NewEvent.of("Deposited", Payload.json("{}"))));
    }
    checkpoints.reset("balances-p1of3", 7);
    ClusteredProjection closed = ClusteredProjection.builder().projection(template("balances"))
        .partitions(3).build();
    closed.close();
    assertThat(closed.status().get(1).position()).as("after close").isEqualTo(7);
    try (ClusteredProjection projection = ClusteredProjection.builder()
        .projection(template("balances")).partitions(3).build()) {
      Map<Integer, PartitionStatus> status = projection.status();
      assertThat(status).hasSize(3);
      assertThat(status.get(1).checkpointKey()).isEqualTo("balances-p1of3");
      assertThat(status.get(1).position()).isEqualTo(7);
      assertThat(status.get(1).lagEvents()).isEqualTo(3);
      assertThat(status.get(0).position()).isZero();
      assertThat(status.get(0).lagEvents()).isEqualTo(10);
      status.values().forEach(s -> {
        assertThat(s.shard()).isEqualTo(-1);
        assertThat(s.owner()).isEmpty();
        assertThat(s.runningHere()).isFalse();
        assertThat(s.here()).isEmpty();
      });
      assertThat(projection.activePartitions()).isEmpty();
    }
  }

  @Test
  void exclusive_isOnePartition_keyedByTheName() {
    try (ClusteredProjection projection = ClusteredProjection.builder()
        .projection(template("ledger")).exclusive().build()) {
      assertThat(projection.partitions()).isEqualTo(1);
      assertThat(projection.status().get(0).checkpointKey()).isEqualTo("ledger");
    }
  }
}
