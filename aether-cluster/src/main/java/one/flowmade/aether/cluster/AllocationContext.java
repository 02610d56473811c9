package one.flowmade.aether.cluster;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an {@link AllocationStrategy} allocates: the number of shards, the live members, and who
 * owns each shard in the current assignment (only owners that are still members count).
 *
 * <p>Immutable and thread-safe.
 */
public final class AllocationContext {

  private final int shardCount;
  private final List<Member> members;
  private final String[] previousOwners;

  private AllocationContext(int shardCount, List<Member> members, String[] previousOwners) {
    this.shardCount = shardCount;
    this.members = members;
    this.previousOwners = previousOwners;
  }

  /**
   * Creates a context.
   *
   * @param shardCount the number of shards, from 1 to {@link Sharding#MAX_SHARDS}
   * @param members the live members; sorted by node id in the context
   * @param previousOwners the current owner of each shard, {@code null} for none; owners that are
   *     not among the members are dropped
   * @return the context
   * @throws IllegalArgumentException if the shard count is out of range, {@code previousOwners}
   *     does not have one entry per shard, or two members have the same id
   * @throws NullPointerException if an argument or a member is null
   */
  public static AllocationContext of(
      int shardCount, List<Member> members, List<String> previousOwners) {
    Sharding.of(shardCount);
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(previousOwners, "previousOwners");
    if (previousOwners.size() != shardCount) {
      throw new IllegalArgumentException("previousOwners must have one entry per shard ("
          + shardCount + "), has " + previousOwners.size());
    }
    List<Member> sorted = members.stream()
        .map(m -> Objects.requireNonNull(m, "member"))
        .sorted(Comparator.comparing(Member::nodeId))
        .toList();
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).nodeId().equals(sorted.get(i - 1).nodeId())) {
        throw new IllegalArgumentException("two members have the id " + sorted.get(i).nodeId());
      }
    }
    String[] owners = new String[shardCount];
    for (int s = 0; s < shardCount; s++) {
      String owner = previousOwners.get(s);
      if (owner != null && sorted.stream().anyMatch(m -> m.nodeId().equals(owner))) {
        owners[s] = owner;
      }
    }
    return new AllocationContext(shardCount, sorted, owners);
  }

  /**
   * Returns the number of shards to allocate.
   *
   * @return the shard count
   */
  public int shardCount() {
    return shardCount;
  }

  /**
   * Returns the live members, sorted by node id.
   *
   * @return an unmodifiable list, possibly empty
   */
  public List<Member> members() {
    return members;
  }

  /**
   * Returns the node ids of the live members, sorted.
   *
   * @return an unmodifiable list
   */
  public List<String> memberIds() {
    return members.stream().map(Member::nodeId).toList();
  }

  /**
   * Returns who owns a shard in the current assignment.
   *
   * @param shard the shard, from 0 to {@code shardCount() - 1}
   * @return the owner if it is a live member, else empty
   * @throws IllegalArgumentException if the shard is out of range
   */
  public Optional<String> previousOwner(int shard) {
    new Sharding(shardCount).checkShard(shard);
    return Optional.ofNullable(previousOwners[shard]);
  }

  /**
   * Returns the current owner of every shard.
   *
   * @return an unmodifiable list with one entry per shard, {@code null} where there is no live
   *     owner
   */
  public List<String> previousOwners() {
    return Collections.unmodifiableList(Arrays.asList(previousOwners.clone()));
  }
}
