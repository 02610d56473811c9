package one.flowmade.aether.projection.cluster;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.projection.ProjectionStatus;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A projection scaled out over an Aether cluster: exclusive (one instance in the whole cluster)
 * or split into {@code P} partitions by actor hash ({@link Projection#partitionOf}), each
 * partition processed by exactly one node at a time — the node that owns the partition's
 * designated cluster shard — and handed over when nodes join, leave or crash, resuming from the
 * partition's checkpoint.
 *
 * <pre>{@code
 * ClusteredProjection balances = ClusteredProjection.builder()
 *     .projection(Projection.builder()
 *         .name("balances").eventStore(store).codec(codec)
 *         .on(Deposited.class, (event, ctx) -> ...)
 *         .checkpointStore(KvCheckpointStore.open(nc, namespace)))
 *     .partitions(8)                       // or .exclusive()
 *     .build();
 * ClusterNode node = ClusterNode.builder()
 *     ...
 *     .shardListener(balances.shardListener())
 *     .build();
 * balances.attach(node);
 * }</pre>
 *
 * <p>Partition {@code p} of projection {@code name} belongs to shard {@code (offset + p) mod
 * shardCount}, where {@code offset} is the cluster's actor hash ({@link Sharding#hash64}) of the
 * name modulo the shard count ({@link #shardOf}); so partitions follow the cluster's balanced,
 * minimal-move shard assignment, and projections of different names start at different shards.
 * Each partition's instance reads the whole namespace and applies the events of its own actors.
 * When the node acquires that shard (in assignment epoch {@code e}), a new {@link Projection}
 * instance for the partition is built from the template and started, on a thread of its own,
 * with {@link Projection#start(long) start(e)}: its checkpoint is claimed with the shard's epoch,
 * so any earlier owner, holding a lower epoch, can no longer commit, even if it still runs after
 * a pause. Before every commit the instance also checks ({@link Projection.Builder#ownership})
 * that its release has not completed and, once {@link #attach(ClusterNode) attached}, that the
 * node's membership is valid on its lease clock ({@link ClusterNode#isMember}): a node that lost
 * its membership stops committing before any other node can acquire the shard, and an instance
 * whose handler still runs after its release gave up waiting for it cannot commit. When the node
 * releases the shard the instance is closed; the release (and so the handover) waits for the
 * unit of work in progress, which commits.
 *
 * <p>The checkpoint store must be shared by the nodes ({@code KvCheckpointStore} or {@code
 * JdbcCheckpointStore}), and nothing else may claim or reset a partition's checkpoint while the
 * cluster runs it: a plain claim or reset raises the stored epoch past the shard's, and the
 * partition then stays fenced on its owner until its shard moves under a higher epoch.
 *
 * <p>Thread-safe. {@link #close()} stops the partitions running here; close the node first, so
 * that its shards, and with them the partitions, move to other nodes.
 */
public final class ClusteredProjection implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClusteredProjection.class);

  private final Projection.Builder template;
  private final String name;
  private final int partitions;
  private final Map<Integer, PartitionSlot> slots;
  /** One unstarted instance per partition, for the stored checkpoint of partitions run elsewhere. */
  private final List<Projection> probes;
  private volatile @Nullable ClusterNode node;
  private volatile int shardCount;
  private volatile boolean closed;

  private ClusteredProjection(Builder b) {
    this.template = Objects.requireNonNull(b.template, "checked by build()");
    this.partitions = b.partitions;
    List<Projection> built = new ArrayList<>(partitions);
    for (int p = 0; p < partitions; p++) {
      built.add(template.partition(p, partitions).build()); // checks the template
    }
    this.probes = List.copyOf(built);
    this.name = probes.get(0).name();
    Map<Integer, PartitionSlot> all = new TreeMap<>();
    for (int p = 0; p < partitions; p++) {
      int partition = p;
      all.put(p, new PartitionSlot(name, p,
          (shard, stillOwner) -> instance(partition, shard, stillOwner)));
    }
    this.slots = Collections.unmodifiableMap(all);
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the projection's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the number of partitions; 1 for an exclusive projection.
   *
   * @return the partition count
   */
  public int partitions() {
    return partitions;
  }

  /**
   * Returns the shard whose owner processes a partition of a projection.
   *
   * @param name the projection's name (not its checkpoint key)
   * @param partition the partition, 0 to {@code partitions - 1}; a cluster runs a projection only
   *     with at least as many shards as partitions, so less than {@code shardCount}
   * @param shardCount the cluster's shard count, 1 to {@link Sharding#MAX_SHARDS}
   * @return the shard, 0 to {@code shardCount - 1}
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is empty, {@code shardCount} is out of range,
   *     or {@code partition} is negative or not less than {@code shardCount}
   */
  public static int shardOf(String name, int partition, int shardCount) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("name must not be empty");
    }
    if (shardCount < 1 || shardCount > Sharding.MAX_SHARDS) {
      throw new IllegalArgumentException("shardCount must be 1 to " + Sharding.MAX_SHARDS
          + ", was " + shardCount);
    }
    if (partition < 0 || partition >= shardCount) {
      throw new IllegalArgumentException("partition must be 0 to shardCount - 1 ("
          + (shardCount - 1) + "), was " + partition + " (a projection needs at least as many"
          + " shards as partitions)");
    }
    long offset = Long.remainderUnsigned(Sharding.hash64(name), shardCount);
    return (int) ((offset + partition) % shardCount);
  }

  private int partitionOfShard(int shard, int count) {
    long offset = Long.remainderUnsigned(Sharding.hash64(name), count);
    int p = (int) Math.floorMod(shard - offset, (long) count);
    return p < partitions ? p : -1;
  }

  /**
   * Returns the listener to give {@link ClusterNode.Builder#shardListener}.
   *
   * @return the shard listener
   */
  public ShardListener shardListener() {
    return shardListener(null);
  }

  /**
   * Returns the listener to give {@link ClusterNode.Builder#shardListener}; it forwards every call
   * to {@code next} after its own work, so that several projections and an actor host can share
   * a node.
   *
   * @param next another listener, or {@code null}
   * @return the shard listener
   */
  public ShardListener shardListener(@Nullable ShardListener next) {
    ShardListener after = next != null ? next : new ShardListener() { };
    return new ShardListener() {
      @Override
      public void assignmentChanged(ShardAssignment assignment) {
        if (shardCount == 0 && assignment.shardCount() < partitions) {
          LOG.error("projection {} has {} partitions but the cluster only {} shards; it runs no"
              + " partition on this node: use at most as many partitions as shards", name,
              partitions, assignment.shardCount());
        }
        shardCount = assignment.shardCount();
        after.assignmentChanged(assignment);
      }

      @Override
      public void acquired(int shard, long epoch) {
        PartitionSlot slot = slotOf(shard);
        if (slot != null) {
          synchronized (ClusteredProjection.this) { // not after close() released the slots
            if (!closed) {
              slot.acquire(shard, epoch); // returns at once: the start has its own thread
            }
          }
        }
        after.acquired(shard, epoch);
      }

      @Override
      public void released(int shard, long epoch, ReleaseReason reason) {
        PartitionSlot slot = slotOf(shard);
        if (slot != null) {
          slot.release(reason);
        }
        after.released(shard, epoch, reason);
      }
    };
  }

  /** The slot of a shard's partition, or null if the shard runs none here. */
  private @Nullable PartitionSlot slotOf(int shard) {
    int count = shardCount;
    if (count == 0) {
      ClusterNode n = node;
      if (n == null) {
        LOG.error("projection {}: shard {} acquired before any assignment was seen; not run",
            name, shard);
        return null;
      }
      count = n.sharding().shardCount();
    }
    if (count < partitions) {
      return null; // misconfigured: logged on the assignment, refused by attach
    }
    int p = partitionOfShard(shard, count);
    return p < 0 ? null : slots.get(p);
  }

  /**
   * Binds the projection to the node it runs on: from then on every checkpoint commit first
   * checks that the node's membership is valid on its lease clock ({@link ClusterNode#isMember}),
   * and {@link #status()} names each partition's owner. Call it right
   * after building the node. Partitions acquired before still run; until then the commit check
   * is only that the shard was not released, and the checkpoint's epoch fences them in any case.
   *
   * @param node the node built with this projection's listener
   * @throws IllegalStateException if already attached
   * @throws IllegalArgumentException if the node's cluster has fewer shards than the projection
   *     has partitions
   */
  public synchronized void attach(ClusterNode node) {
    Objects.requireNonNull(node, "node");
    if (this.node != null) {
      throw new IllegalStateException("projection " + name + " is already attached to node '"
          + this.node.nodeId() + "'");
    }
    int count = node.sharding().shardCount();
    if (count < partitions) {
      throw new IllegalArgumentException("projection " + name + " has " + partitions
          + " partitions but cluster " + node.clusterName() + " only " + count + " shards; use at"
          + " most as many partitions as shards");
    }
    this.node = node;
  }

  private Projection instance(int partition, int shard, BooleanSupplier notReleased) {
    // Not node.ownsShard(shard): the node closes the shard's gate before it calls released, yet
    // the shard stays this node's until released returns, so the unit of work in progress at a
    // graceful handover may still commit. isMember() reads the membership lease's clock.
    BooleanSupplier owns = () -> {
      ClusterNode n = node;
      return notReleased.getAsBoolean() && (n == null || n.isMember());
    };
    synchronized (template) {
      return template.partition(partition, partitions).ownership(owns).build();
    }
  }

  /**
   * Returns the partitions processed on this node now: its shard held here and the instance
   * catching up or live.
   *
   * @return a sorted snapshot
   */
  public SortedSet<Integer> activePartitions() {
    SortedSet<Integer> active = new TreeSet<>();
    slots.forEach((p, slot) -> {
      PartitionSlot.Snapshot s = slot.snapshot();
      if (s.held() && s.instance() != null) {
        ProjectionState state = s.instance().state();
        if (state == ProjectionState.CATCHING_UP || state == ProjectionState.LIVE) {
          active.add(p);
        }
      }
    });
    return Collections.unmodifiableSortedSet(active);
  }

  /**
   * Returns every partition as this node sees it: its shard and that shard's owner, whether it
   * runs here, its committed position and lag, and the status of the instance here, if any (see
   * {@link PartitionStatus}). For each partition it asks the event store for its last position,
   * and for a partition not running here the checkpoint store for its checkpoint; a store that
   * cannot be reached shows as lag -1 (or the last position known here).
   *
   * @return partition to status, for all partitions, sorted by partition
   */
  public SortedMap<Integer, PartitionStatus> status() {
    ClusterNode n = node;
    int count = shardCount != 0 ? shardCount : n != null ? n.sharding().shardCount() : 0;
    Optional<ShardAssignment> assignment = n == null ? Optional.empty() : n.assignment();
    SortedMap<Integer, PartitionStatus> all = new TreeMap<>();
    slots.forEach((p, slot) -> {
      PartitionSlot.Snapshot s = slot.snapshot();
      int shard = count == 0 || p >= count ? -1 : shardOf(name, p, count); // fewer: runs none
      Optional<String> owner = shard < 0 ? Optional.empty()
          : assignment.flatMap(a -> a.owner(shard));
      Optional<ProjectionStatus> here = Optional.ofNullable(s.instance())
          .map(Projection::status);
      ProjectionStatus progress = s.held() && here.isPresent() ? here.get()
          : probes.get(p).status();
      all.put(p, new PartitionStatus(p, probes.get(p).checkpointKey(), shard, owner, s.held(),
          s.epoch(), progress.position(), progress.lagEvents(), here));
    });
    return Collections.unmodifiableSortedMap(all);
  }

  /**
   * Stops every partition running on this node, each after its unit of work in progress. Later
   * acquisitions start nothing. Does not close the node and does not hand the partitions over:
   * close the node first. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    slots.values().forEach(slot -> slot.release(ReleaseReason.LEAVING));
    // the probes are never started and hold nothing: status() still reads stored checkpoints
  }

  /**
   * Builds a {@link ClusteredProjection}. Not thread-safe.
   */
  public static final class Builder {
    private Projection.@Nullable Builder template;
    private int partitions;

    private Builder() {}

    /**
     * Sets the projection to run: name, event store, handlers, checkpoint store, error policy and
     * batch size as for a single instance. Each partition's instance is built from it when its
     * shard is acquired (with {@link Projection.Builder#partition}, {@link
     * Projection.Builder#ownership} set here), so do not change it afterwards.
     *
     * @param template the projection's builder, complete but for the partition
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder projection(Projection.Builder template) {
      Objects.requireNonNull(template, "template");
      if (this.template != null) {
        throw new IllegalStateException("the projection was already set");
      }
      this.template = template;
      return this;
    }

    /**
     * Splits the projection into partitions by actor hash ({@link Projection#partitionOf}), each
     * with its own checkpoint ({@code <name>-p<i>of<n>}) and run by one node at a time. Changing
     * the count later starts new checkpoints: it is a rebuild.
     *
     * @param partitions 2 to 1024, and at most the cluster's shard count
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if the mode was already set
     */
    public Builder partitions(int partitions) {
      if (partitions < 2 || partitions > 1024) {
        throw new IllegalArgumentException("partitions must be 2 to 1024, was " + partitions
            + "; use exclusive() for one instance per cluster");
      }
      return mode(partitions);
    }

    /**
     * Runs the projection as one instance in the whole cluster, on the node that owns its
     * designated shard, with the checkpoint {@code <name>}.
     *
     * @return this builder
     * @throws IllegalStateException if the mode was already set
     */
    public Builder exclusive() {
      return mode(1);
    }

    private Builder mode(int count) {
      if (this.partitions != 0) {
        throw new IllegalStateException("the mode was already set ("
            + (this.partitions == 1 ? "exclusive" : this.partitions + " partitions") + ")");
      }
      this.partitions = count;
      return this;
    }

    /**
     * Builds the clustered projection (nothing runs until the node acquires shards).
     *
     * @return the clustered projection
     * @throws IllegalStateException if the projection or the mode is missing, or the template is
     *     incomplete (as {@link Projection.Builder#build()} reports)
     */
    public ClusteredProjection build() {
      if (template == null || partitions == 0) {
        throw new IllegalStateException("a clustered projection needs a projection and a mode"
            + (template == null ? "; projection(...) is missing" : "")
            + (partitions == 0 ? "; partitions(n) or exclusive() is missing" : ""));
      }
      return new ClusteredProjection(this);
    }
  }
}
