package one.flowmade.aether.cluster;

import java.util.List;
import one.flowmade.aether.cluster.internal.allocation.BalancedAllocation;

/**
 * Decides which member owns which shard. The leader calls it whenever the membership changes and
 * publishes the result as a new {@link ShardAssignment}; the handoff protocol then moves the
 * shards that changed owner, safely, whatever the strategy returns.
 *
 * <p>Every node of a cluster must use the same strategy (a new leader recomputes the assignment
 * with its own). Implementations must be deterministic, fast (they run on the leader's event
 * thread) and thread-safe. Fewer moves mean shorter handoffs: keep shards where they are unless
 * there is a reason to move them.
 */
@FunctionalInterface
public interface AllocationStrategy {

  /**
   * Allocates every shard.
   *
   * @param context the shard count, the live members and the current owners
   * @return one entry per shard (index = shard): the node id of a member, or {@code null} for no
   *     owner (only acceptable when there are no members). A result of the wrong size or naming a
   *     node that is not a member is logged and replaced by {@link #balanced()}'s.
   */
  List<String> allocate(AllocationContext context);

  /**
   * Returns the default strategy, {@link #balanced(int)} with {@link
   * HashRing#DEFAULT_VIRTUAL_NODES} virtual nodes.
   *
   * @return the balanced strategy
   */
  static AllocationStrategy balanced() {
    return BalancedAllocation.DEFAULT;
  }

  /**
   * Returns a strategy that balances shards exactly and moves as few as possible.
   *
   * <ul>
   *   <li>Every member gets {@code floor(shards / members)} or one more shard (so the largest
   *       count over the mean is at most {@code 1 + members / shards}: at most 1.05 with 20 or
   *       more shards per member). The extra shards go to the members that hold the most now.
   *   <li>A member keeps as many of its current shards as its quota allows (those where it ranks
   *       best on the ring first), so a join moves only the shards the new member gets and a leave
   *       moves only the shards the leaving member had.
   *   <li>Every other shard goes to the first member of its {@link
   *       HashRing#preferenceListForShard(int) ring preference list} that is below its quota, so
   *       placement is stable and spread evenly.
   * </ul>
   *
   * @param virtualNodes virtual nodes per member on the ring, from 1 to {@link
   *     HashRing#MAX_VIRTUAL_NODES}
   * @return the strategy
   * @throws IllegalArgumentException if {@code virtualNodes} is out of range
   */
  static AllocationStrategy balanced(int virtualNodes) {
    return new BalancedAllocation(virtualNodes);
  }

  /**
   * Returns a strategy that gives each shard to its owner on a consistent hash ring, {@link
   * HashRing#nodeForShard(int)}, without capping: very few moves and no coordination, but only
   * statistically balanced (see {@link HashRing#stats(int)}).
   *
   * @param virtualNodes virtual nodes per member on the ring, from 1 to {@link
   *     HashRing#MAX_VIRTUAL_NODES}
   * @return the strategy
   * @throws IllegalArgumentException if {@code virtualNodes} is out of range
   */
  static AllocationStrategy consistentHashing(int virtualNodes) {
    if (virtualNodes < 1 || virtualNodes > HashRing.MAX_VIRTUAL_NODES) {
      throw new IllegalArgumentException("virtualNodes must be between 1 and "
          + HashRing.MAX_VIRTUAL_NODES + ", was " + virtualNodes);
    }
    return context -> {
      HashRing ring = HashRing.of(context.memberIds(), virtualNodes);
      String[] owners = new String[context.shardCount()];
      for (int s = 0; s < owners.length; s++) {
        owners[s] = ring.nodeForShard(s).orElse(null);
      }
      return java.util.Arrays.asList(owners);
    };
  }
}
