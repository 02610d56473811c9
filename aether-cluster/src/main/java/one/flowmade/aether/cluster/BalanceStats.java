package one.flowmade.aether.cluster;

import java.util.Collection;
import java.util.Objects;

/**
 * How evenly shards are spread over nodes: the smallest, largest and mean number of shards per
 * node, the ratio of the largest to the mean (1.0 is perfect; the default strategy keeps it at
 * most {@code 1 + nodes / shards}, so at most 1.05 whenever there are at least 20 shards per node)
 * and the standard deviation.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nodes the number of nodes counted (nodes with no shard included)
 * @param shards the number of shards counted over those nodes
 * @param minShards the fewest shards any node has (0 when there are no nodes)
 * @param maxShards the most shards any node has (0 when there are no nodes)
 * @param meanShards shards divided by nodes (0 when there are no nodes)
 * @param maxOverMean {@code maxShards / meanShards}; 1.0 when no node has a shard, NaN when there
 *     are no nodes
 * @param standardDeviation the population standard deviation of the per-node counts
 */
public record BalanceStats(
    int nodes,
    int shards,
    int minShards,
    int maxShards,
    double meanShards,
    double maxOverMean,
    double standardDeviation) {

  /**
   * Computes the statistics of per-node shard counts.
   *
   * @param shardsPerNode one count per node, each zero or more
   * @return the statistics
   * @throws IllegalArgumentException if a count is negative
   * @throws NullPointerException if the collection or a count is null
   */
  public static BalanceStats of(Collection<Integer> shardsPerNode) {
    Objects.requireNonNull(shardsPerNode, "shardsPerNode");
    int nodes = shardsPerNode.size();
    if (nodes == 0) {
      return new BalanceStats(0, 0, 0, 0, 0.0, Double.NaN, 0.0);
    }
    int min = Integer.MAX_VALUE;
    int max = 0;
    long total = 0;
    for (Integer count : shardsPerNode) {
      int c = Objects.requireNonNull(count, "count");
      if (c < 0) {
        throw new IllegalArgumentException("a shard count must not be negative, was " + c);
      }
      min = Math.min(min, c);
      max = Math.max(max, c);
      total += c;
    }
    double mean = (double) total / nodes;
    double squares = 0;
    for (Integer count : shardsPerNode) {
      double d = count - mean;
      squares += d * d;
    }
    double ratio = mean == 0 ? 1.0 : max / mean;
    return new BalanceStats(nodes, (int) total, min, max, mean, ratio, Math.sqrt(squares / nodes));
  }
}
