package one.flowmade.aether.cluster.internal;

import java.time.Instant;
import java.util.List;
import one.flowmade.aether.cluster.HashRing;
import one.flowmade.aether.cluster.Leadership;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.internal.allocation.ListedMember;
import one.flowmade.aether.cluster.internal.lease.Lease;
import org.jspecify.annotations.Nullable;

/**
 * Lets the internal packages reach the package-private constructors and state of the public API
 * types ({@link Leadership}, {@link ShardAssignment}, {@link HashRing}), so that these need not be
 * public API. The API package installs the implementation when it is first used. Not API: this
 * package is not exported.
 */
public final class ApiAccess {

  /** The package-private parts of the API types. Implemented only in the API package. */
  public interface Hooks {

    /** Returns {@code new Leadership(...)}: a term whose validity is the lease's. */
    Leadership leadership(String leaderId, long fencingToken, Instant acquiredAt, Lease lease);

    /** Returns the lease behind a term. */
    Lease lease(Leadership leadership);

    /** Returns {@code new ShardAssignment(...)}, which checks the owner indexes. */
    ShardAssignment assignment(long epoch, int shardCount, long fencingToken, String leaderId,
        Instant createdAt, List<ListedMember> members, int[] owners);

    /** Returns the listed members of an assignment. */
    List<ListedMember> listed(ShardAssignment assignment);

    /** Returns the index into the listed members of a shard's owner, or -1. */
    int ownerIndex(ShardAssignment assignment, int shard);

    /** Returns node indexes (into {@link HashRing#nodes()}) in preference order for a shard. */
    List<Integer> shardPreferenceIndexes(HashRing ring, int shard);
  }

  private static final String IMPLEMENTATION = "one.flowmade.aether.cluster.ApiHooks";
  private static volatile @Nullable Hooks hooks;

  private ApiAccess() {}

  /**
   * Installs the implementation; called once by the API package.
   *
   * @param implementation the hooks
   */
  public static void install(Hooks implementation) {
    hooks = implementation;
  }

  /**
   * Returns the hooks, loading the API package's implementation on first use.
   *
   * @return the hooks
   */
  public static Hooks hooks() {
    Hooks h = hooks;
    if (h == null) {
      try {
        Class.forName(IMPLEMENTATION, true, ApiAccess.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("the cluster API package is incomplete", e);
      }
      h = hooks;
      if (h == null) {
        throw new IllegalStateException("the cluster API package did not install its hooks");
      }
    }
    return h;
  }
}
