package one.flowmade.aether.cluster.internal.allocation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import one.flowmade.aether.cluster.AllocationContext;
import one.flowmade.aether.cluster.AllocationStrategy;
import one.flowmade.aether.cluster.HashRing;
import one.flowmade.aether.cluster.internal.ApiAccess;

/** The default {@link AllocationStrategy}; see {@link AllocationStrategy#balanced(int)}. */
public final class BalancedAllocation implements AllocationStrategy {

  public static final BalancedAllocation DEFAULT = new BalancedAllocation(HashRing.DEFAULT_VIRTUAL_NODES);

  private final int virtualNodes;

  public BalancedAllocation(int virtualNodes) {
    if (virtualNodes < 1 || virtualNodes > HashRing.MAX_VIRTUAL_NODES) {
      throw new IllegalArgumentException("virtualNodes must be between 1 and "
          + HashRing.MAX_VIRTUAL_NODES + ", was " + virtualNodes);
    }
    this.virtualNodes = virtualNodes;
  }

  @Override
  public List<String> allocate(AllocationContext context) {
    int shards = context.shardCount();
    List<String> ids = context.memberIds();
    int n = ids.size();
    String[] result = new String[shards];
    if (n == 0) {
      return Arrays.asList(result);
    }
    HashRing ring = HashRing.of(ids, virtualNodes);
    // ring.nodes() is sorted like ids, so ring indexes are member indexes.
    int[][] rank = new int[shards][];
    for (int s = 0; s < shards; s++) {
      List<Integer> order = ApiAccess.hooks().shardPreferenceIndexes(ring, s);
      int[] r = new int[n];
      for (int i = 0; i < order.size(); i++) {
        r[order.get(i)] = i;
      }
      rank[s] = r;
    }
    List<List<Integer>> held = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      held.add(new ArrayList<>());
    }
    for (int s = 0; s < shards; s++) {
      String owner = context.previousOwner(s).orElse(null);
      if (owner != null) {
        held.get(ids.indexOf(owner)).add(s);
      }
    }
    int base = shards / n;
    int extra = shards % n;
    Integer[] byHeld = new Integer[n];
    for (int i = 0; i < n; i++) {
      byHeld[i] = i;
    }
    Arrays.sort(byHeld, Comparator.<Integer>comparingInt(i -> -held.get(i).size())
        .thenComparing(i -> i));
    int[] quota = new int[n];
    for (int k = 0; k < n; k++) {
      quota[byHeld[k]] = base + (k < extra ? 1 : 0);
    }
    int[] assigned = new int[n];
    int[] owner = new int[shards];
    Arrays.fill(owner, -1);
    for (int i = 0; i < n; i++) {
      final int node = i;
      List<Integer> mine = held.get(i);
      mine.sort(Comparator.<Integer>comparingInt(s -> rank[s][node]).thenComparing(s -> s));
      for (int k = 0; k < mine.size() && assigned[i] < quota[i]; k++) {
        owner[mine.get(k)] = i;
        assigned[i]++;
      }
    }
    for (int s = 0; s < shards; s++) {
      if (owner[s] >= 0) {
        continue;
      }
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (assigned[i] < quota[i] && (best < 0 || rank[s][i] < rank[s][best])) {
          best = i;
        }
      }
      owner[s] = best;
      assigned[best]++;
    }
    for (int s = 0; s < shards; s++) {
      result[s] = ids.get(owner[s]);
    }
    return Arrays.asList(result);
  }

  @Override
  public String toString() {
    return "balanced(" + virtualNodes + ")";
  }
}
