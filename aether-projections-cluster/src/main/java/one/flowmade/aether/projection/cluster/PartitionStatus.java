package one.flowmade.aether.projection.cluster;

import java.util.Objects;
import java.util.Optional;
import one.flowmade.aether.projection.ProjectionStatus;

/**
 * One partition of a {@link ClusteredProjection} as one node sees it: which shard carries it,
 * which node owns that shard in the newest assignment the node has seen, whether it runs here,
 * and how far its checkpoint has got. Immutable and thread-safe.
 *
 * @param partition the partition, 0 to {@code partitions - 1}
 * @param checkpointKey the partition's checkpoint key ({@code <name>-p<i>of<n>}, or the name of an
 *     exclusive projection)
 * @param shard the cluster shard whose owner runs it; -1 while this node knows no shard count
 *     (before its first assignment), or when the cluster has fewer shards than the projection
 *     has partitions (then no partition runs)
 * @param owner the node that owns the shard in the newest assignment this node has seen; empty
 *     before any assignment, while the shard is unassigned, or before {@link
 *     ClusteredProjection#attach attach}
 * @param runningHere whether this node holds the shard now (acquired and not released) and so
 *     runs, or is starting, the partition
 * @param ownerEpoch the assignment epoch under which this node acquired the shard, used as the
 *     checkpoint's owner epoch; 0 if it never held it
 * @param position the last committed position: the running instance's here, else the stored
 *     checkpoint's (as far as the owner elsewhere has committed)
 * @param lagEvents how many positions of the namespace lie beyond {@code position}; -1 when a
 *     store could not be asked
 * @param here the instance on this node: the running one (or the one that failed to start or
 *     stopped on an error), else the one the last release stopped; empty if none ran here. Its
 *     state tells, for example, that a stale instance was fenced.
 */
public record PartitionStatus(int partition, String checkpointKey, int shard,
    Optional<String> owner, boolean runningHere, long ownerEpoch, long position, long lagEvents,
    Optional<ProjectionStatus> here) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public PartitionStatus {
    Objects.requireNonNull(checkpointKey, "checkpointKey");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(here, "here");
  }
}
