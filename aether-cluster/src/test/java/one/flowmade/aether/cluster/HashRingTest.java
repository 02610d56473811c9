package one.flowmade.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class HashRingTest {

  private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5");

  @Test
  void nodeFor_isDeterministicAndIndependentOfInputOrder() {
    HashRing a = HashRing.of(NODES);
    HashRing b = HashRing.of(List.of("n5", "n3", "n1", "n4", "n2", "n3"));
    for (int i = 0; i < 1000; i++) {
      assertThat(a.nodeFor("key-" + i)).isEqualTo(b.nodeFor("key-" + i)).isPresent();
    }
    assertThat(b.nodes()).containsExactlyElementsOf(NODES);
  }

  @Test
  void addingANode_movesKeysOnlyToTheNewNode() {
    HashRing before = HashRing.of(NODES);
    List<String> more = new ArrayList<>(NODES);
    more.add("n6");
    HashRing after = HashRing.of(more);
    int moved = 0;
    for (int i = 0; i < 10_000; i++) {
      String key = "key-" + i;
      String was = before.nodeFor(key).orElseThrow();
      String now = after.nodeFor(key).orElseThrow();
      if (!was.equals(now)) {
        assertThat(now).isEqualTo("n6");
        moved++;
      }
    }
    assertThat(moved).isBetween(1000, 2400);
  }

  @Test
  void preferenceList_holdsEveryNodeOnceStartingWithTheOwner() {
    HashRing ring = HashRing.of(NODES);
    for (int shard = 0; shard < 100; shard++) {
      List<String> preference = ring.preferenceListForShard(shard);
      assertThat(preference).containsExactlyInAnyOrderElementsOf(NODES);
      assertThat(preference.get(0)).isEqualTo(ring.nodeForShard(shard).orElseThrow());
    }
  }

  @Test
  void ownership_sumsToOneAndIsRoughlyEven() {
    Map<String, Double> shares = HashRing.of(NODES, 256).ownership();
    assertThat(shares.values().stream().mapToDouble(Double::doubleValue).sum())
        .isCloseTo(1.0, within(1e-9));
    shares.values().forEach(share -> assertThat(share).isBetween(0.15, 0.25));
  }

  @Test
  void stats_reportTheSpreadOfShards() {
    BalanceStats stats = HashRing.of(NODES).stats(1024);
    assertThat(stats.nodes()).isEqualTo(5);
    assertThat(stats.shards()).isEqualTo(1024);
    assertThat(stats.meanShards()).isEqualTo(204.8);
    assertThat(stats.maxOverMean()).isGreaterThanOrEqualTo(1.0).isLessThan(1.3);
  }

  @Test
  void emptyRing_ownsNothing() {
    HashRing ring = HashRing.of(List.of());
    assertThat(ring.nodeFor("x")).isEmpty();
    assertThat(ring.preferenceList("x")).isEmpty();
    assertThat(ring.stats(8).maxOverMean()).isNaN();
  }

  @Test
  void of_rejectsBadInput() {
    assertThatThrownBy(() -> HashRing.of(NODES, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> HashRing.of(List.of(""))).isInstanceOf(IllegalArgumentException.class);
  }
}
