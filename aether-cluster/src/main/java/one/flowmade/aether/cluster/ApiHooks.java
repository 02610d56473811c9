package one.flowmade.aether.cluster;

import java.time.Instant;
import java.util.List;
import one.flowmade.aether.cluster.internal.ApiAccess;
import one.flowmade.aether.cluster.internal.allocation.ListedMember;
import one.flowmade.aether.cluster.internal.lease.Lease;

/** The API package's side of {@link ApiAccess}; loaded and installed by it on first use. */
final class ApiHooks implements ApiAccess.Hooks {

  static {
    ApiAccess.install(new ApiHooks());
  }

  private ApiHooks() {}

  @Override
  public Leadership leadership(String leaderId, long fencingToken, Instant acquiredAt,
      Lease lease) {
    return new Leadership(leaderId, fencingToken, acquiredAt, lease);
  }

  @Override
  public Lease lease(Leadership leadership) {
    return leadership.lease();
  }

  @Override
  public ShardAssignment assignment(long epoch, int shardCount, long fencingToken,
      String leaderId, Instant createdAt, List<ListedMember> members, int[] owners) {
    return new ShardAssignment(epoch, shardCount, fencingToken, leaderId, createdAt, members,
        owners);
  }

  @Override
  public List<ListedMember> listed(ShardAssignment assignment) {
    return assignment.listed();
  }

  @Override
  public int ownerIndex(ShardAssignment assignment, int shard) {
    return assignment.ownerIndex(shard);
  }

  @Override
  public List<Integer> shardPreferenceIndexes(HashRing ring, int shard) {
    return ring.preferenceIndexes(Sharding.hash64(HashRing.shardKey(shard)));
  }
}
