package one.flowmade.aether.cluster;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.Health;
import one.flowmade.aether.HealthCheck;
import one.flowmade.aether.Shutdown;
import one.flowmade.aether.cluster.internal.MicrometerNodeMeters;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.SettingsDraft;
import one.flowmade.aether.cluster.internal.runtime.NodeJoin;
import one.flowmade.aether.cluster.internal.runtime.NodeRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of an Aether cluster: it announces itself, sees the other members, takes part in
 * leader election, owns the shards the leader assigns to it and answers messages for the actors
 * of those shards.
 *
 * <pre>{@code
 * try (ClusterNode node = ClusterNode.builder()
 *     .connection(nc)
 *     .clusterName("orders")
 *     .nodeId("node-1")
 *     .shardListener(new ShardListener() {
 *       public void acquired(int shard, long epoch) { ... start the shard's actors ... }
 *       public void released(int shard, long epoch, ReleaseReason why) { ... stop them ... }
 *     })
 *     .messageHandler((actorId, payload) -> handle(actorId, payload))
 *     .build()) {
 *   byte[] reply = node.router().request("order-17", payload);
 * }
 * }</pre>
 *
 * <p>{@link Builder#build()} joins the cluster and returns once the node is a member; {@link
 * #close()} leaves gracefully. Everything lives in the JetStream key-value bucket {@code
 * aether-cluster-<cluster>} (created on first use) and on the subjects {@code
 * aether.cluster.<cluster>.>}; {@code docs/cluster.md} describes the protocol, its guarantees and
 * how to tune its timings.
 *
 * <p>Guarantees, with the clock assumptions of {@code docs/cluster.md}: at most one node is
 * leader at a time and each term's fencing token is larger than the last; a shard is active on at
 * most one node at a time (the old owner releases and confirms before the new one acquires); a
 * node that cannot renew its membership stops owning its shards, and one that cannot renew its
 * lease stops leading, before anyone else can take over.
 *
 * <p>Thread-safe. Accessors are non-blocking and read the node's current view. The node runs
 * three threads ({@code aether-cluster-<node>-events}, {@code -membership}, {@code -leader}),
 * daemon threads unless {@link Builder#threadFactory} supplies them, and, with a message handler, a NATS dispatcher; {@link #close()} stops them. The NATS
 * connection belongs to the caller and is not closed. By default the node registers a JVM
 * shutdown hook that closes it, so a SIGTERM hands its shards over at once ({@link
 * Builder#shutdownHook(boolean)}); {@link #close()} removes it.
 */
public final class ClusterNode implements AutoCloseable, HealthCheck {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final Settings settings;
  private final NodeRuntime runtime;
  private final ClusterRouter router;
  /** The JVM shutdown hook that closes this node, until it is closed; null without one. */
  private final AtomicReference<Shutdown> shutdownHook = new AtomicReference<>();

  private ClusterNode(Settings settings, NodeRuntime runtime) {
    this.settings = settings;
    this.runtime = runtime;
    this.router = new ClusterRouter(settings.connection(), runtime.localRoute(),
        settings.clusterName(), runtime.sharding(), settings.requestTimeout(),
        settings.operationTimeout(),
        () -> runtime.isClosed() ? "node " + settings.nodeId() + " of cluster "
            + settings.clusterName() + " is closed" : null, runtime.meters().router());
  }

  /**
   * Returns a builder for a node that has not joined yet.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the name of the cluster this node belongs to.
   *
   * @return the cluster name
   */
  public String clusterName() {
    return settings.clusterName();
  }

  /**
   * Returns this node's id.
   *
   * @return the node id
   */
  public String nodeId() {
    return settings.nodeId();
  }

  /**
   * Returns whether this node holds a valid membership now, on its own clock. It is false for a
   * while after the node could not renew its membership (for example while NATS was unreachable
   * for longer than the membership TTL allows), until it has rejoined, and after {@link #close()}.
   *
   * @return true while this node is a member
   */
  public boolean isMember() {
    return runtime.isMember();
  }

  /**
   * Returns the members this node sees, itself included once its join has come back through the
   * watch.
   *
   * @return an unmodifiable list sorted by node id
   */
  public List<Member> members() {
    return runtime.members();
  }

  /**
   * Returns this node's view of leader election.
   *
   * @return the election; the same object for the node's lifetime
   */
  public LeaderElection leaderElection() {
    return runtime;
  }

  /**
   * Returns the newest shard assignment this node has seen.
   *
   * @return the assignment, or empty before the leader has published one
   */
  public Optional<ShardAssignment> assignment() {
    return runtime.assignment();
  }

  /**
   * Returns the shards this node owns now: acquired, not released, and its membership valid.
   *
   * @return an unmodifiable sorted snapshot
   */
  public SortedSet<Integer> activeShards() {
    return runtime.activeShards();
  }

  /**
   * Returns whether this node owns a shard now. Check it right before acting for the shard when
   * acting twice would be harmful: it reads the monotonic clock, so it turns false when the
   * membership lease runs out even if no thread has noticed yet.
   *
   * @param shard the shard, from 0 to {@code shardCount - 1}
   * @return true while this node owns the shard
   * @throws IllegalArgumentException if the shard is out of range
   */
  public boolean ownsShard(int shard) {
    return runtime.isActive(runtime.sharding().checkShard(shard));
  }

  /**
   * Returns whether this node owns an actor's shard now; see {@link #ownsShard(int)}.
   *
   * @param actorId a valid actor id
   * @return true while this node owns the actor's shard
   * @throws IllegalArgumentException if the actor id is invalid
   */
  public boolean ownsActor(String actorId) {
    return runtime.isActive(shardOf(actorId));
  }

  /**
   * Returns the sharding of the cluster (its shard count and the actor hash).
   *
   * @return the sharding
   */
  public Sharding sharding() {
    return runtime.sharding();
  }

  /**
   * Returns the shard of an actor.
   *
   * @param actorId a valid actor id
   * @return the shard
   * @throws IllegalArgumentException if the actor id is invalid
   */
  public int shardOf(String actorId) {
    return runtime.sharding().shardOf(actorId);
  }

  /**
   * Returns a router that sends messages to the owners of actors, with the node's request
   * timeout and its operation timeout as the attempt timeout.
   *
   * @return the router; after {@link #close()} its requests fail at once with {@link
   *     IllegalStateException}
   */
  public ClusterRouter router() {
    return router;
  }

  /**
   * Checks, in one call bounded by the operation timeout (2 s by default), that this node takes
   * part in its cluster: it is open; its connection is {@code CONNECTED} (when it is not, no
   * request is sent); it holds a membership lease that is valid on the lease's own clock (renewed
   * within the membership TTL less the safety margin, whether or not the node's threads have
   * noticed yet); its membership entry is live on the server and its own (one request); and a
   * leader has been known within the last leader lease TTL. Details: {@code cluster}, {@code
   * node}, {@code connection}, {@code member}, {@code membership.entry}, {@code leader}, {@code
   * epoch} (of the newest assignment), {@code shards.owned}, {@code membership.renewalAgeMs} and,
   * when down, {@code reason}. Use it as a readiness check; see {@code docs/operations.md},
   * "Health".
   *
   * <p>Thread-safe; never throws.
   *
   * @return {@code UP}, or {@code DOWN} with the first problem found as its reason
   */
  @Override
  public Health health() {
    return runtime.health();
  }

  /**
   * Leaves the cluster gracefully: resigns if leader (so a successor takes over at once),
   * releases every shard ({@link ShardListener#released} with {@link ReleaseReason#LEAVING}),
   * deletes the membership so the leader reassigns the shards at once, and stops the node's
   * threads. Blocks until done: each NATS step is bounded by the operation timeout, and the
   * releases by the {@link Builder#shardDrainTimeout shard drain timeout} plus twice the operation
   * timeout (14 s by default). A listener or handler that does not return within that bound is
   * logged as an error (the shards still held, where the node's events thread is) and left
   * behind: the node leaves anyway, revoking its membership lease first so that it no longer acts
   * as owner, and stopping its threads interrupts the stuck call. If NATS cannot be reached, the
   * membership and lease expire on their own. Idempotent: a call while another thread is closing the node (its
   * shutdown hook, say) waits until that close has finished, so what is closed after the node
   * (host, stores, connection) is closed after the handover; a call from a listener of the node
   * returns at once. Removes the node's JVM shutdown hook ({@link Builder#shutdownHook}). A
   * thread interrupted before the call still leaves gracefully; its interrupt flag is set again
   * when close returns. After close the accessors keep answering (the node owns nothing and is
   * no member) and the router's requests fail with {@link IllegalStateException} naming the
   * node.
   */
  @Override
  public void close() {
    runtime.close();
    removeShutdownHook();
  }

  /** For tests: stop at once without leaving, as a crashed process would. */
  void crash() {
    runtime.crash();
    removeShutdownHook();
  }

  private void registerShutdownHook() {
    try {
      shutdownHook.set(Shutdown.onSignal(this));
      if (runtime.isClosed()) { // closed by a listener while it joined
        removeShutdownHook();
      }
    } catch (IllegalStateException shuttingDown) {
      LOG.warn("node {}: the JVM is already shutting down; no shutdown hook registered",
          settings.nodeId());
    }
  }

  private void removeShutdownHook() {
    Shutdown hook = shutdownHook.getAndSet(null);
    if (hook != null) {
      hook.close(); // does nothing while the JVM shuts down (the hook is what runs then)
    }
  }

  /** For tests: whether the node's shutdown hook is registered. */
  boolean hasShutdownHook() {
    return shutdownHook.get() != null;
  }

  NodeRuntime runtime() {
    return runtime;
  }

  @Override
  public String toString() {
    return "ClusterNode[" + settings.clusterName() + "/" + settings.nodeId() + "]";
  }

  /**
   * Configures a {@link ClusterNode}. The connection, the cluster name and the node id are
   * required; everything else has a default. Each property may be set once; a second call throws
   * {@link IllegalStateException}, and each value is checked when it is set. Not thread-safe.
   *
   * <p>Timings: the membership and leader lease TTLs are whole seconds (NATS per-message TTLs
   * are); each lease is renewed at least twice within {@code ttl - safetyMargin}, and a node stops
   * acting on a lease {@code safetyMargin} before the server could expire it. See {@code
   * docs/cluster.md} for how to choose them.
   */
  public static final class Builder {

    private final SettingsDraft draft = new SettingsDraft();

    private Builder() {}

    /**
     * Sets the NATS connection (required). It must reach a JetStream-enabled {@code nats-server}
     * 2.12 or newer; give it every server of a NATS cluster so it fails over. The node does not
     * close it.
     *
     * @param connection a connection
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder connection(Connection connection) {
      draft.connection(connection);
      return this;
    }

    /**
     * Sets the cluster's name (required): 1 to 64 lower-case letters, digits, {@code '-'} and
     * {@code '_'}, starting with a letter or digit. Nodes with the same name on the same NATS
     * account form one cluster.
     *
     * @param clusterName the name
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if already set
     */
    public Builder clusterName(String clusterName) {
      draft.clusterName(clusterName);
      return this;
    }

    /**
     * Sets this node's id (required): 1 to 64 ASCII letters, digits, {@code '.'}, {@code '-'} and
     * {@code '_'}, unique in the cluster. A node restarted with the same id waits until its
     * previous incarnation's membership has expired (or its previous incarnation left).
     *
     * @param nodeId the id
     * @return this builder
     * @throws IllegalArgumentException if the id is invalid
     * @throws IllegalStateException if already set
     */
    public Builder nodeId(String nodeId) {
      draft.nodeId(nodeId);
      return this;
    }

    /**
     * Sets what this node announces about itself to the others (for example its address or
     * zone); they see it in {@link Member#metadata()}. Default empty.
     *
     * @param metadata string keys and values; copied
     * @return this builder
     * @throws NullPointerException if a key or value is null
     * @throws IllegalStateException if already set
     */
    public Builder metadata(Map<String, String> metadata) {
      draft.metadata(metadata);
      return this;
    }

    /**
     * Sets the number of shards. Default {@value Sharding#DEFAULT_SHARDS}. The first node of a
     * cluster records it; a node configured with another count cannot join.
     *
     * @param shardCount from 1 to {@link Sharding#MAX_SHARDS}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder shardCount(int shardCount) {
      draft.shardCount(shardCount);
      return this;
    }

    /**
     * Sets the replicas of the cluster's bucket when this node creates it. Default 1; use 3 on a
     * NATS cluster so the cluster survives the loss of a NATS server. An existing bucket is used
     * as it is.
     *
     * @param replicas from 1 to 5
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder replicas(int replicas) {
      draft.replicas(replicas);
      return this;
    }

    /**
     * Sets how often the node renews its membership. Default 3 s.
     *
     * @param heartbeatInterval positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder heartbeatInterval(Duration heartbeatInterval) {
      draft.heartbeatInterval(heartbeatInterval);
      return this;
    }

    /**
     * Sets how long the membership lives on the server after its last renewal: how long a failed
     * node keeps its shards before they move. Default 15 s.
     *
     * @param membershipTtl whole seconds, at least 1 s
     * @return this builder
     * @throws IllegalArgumentException if not whole seconds or less than 1 s
     * @throws IllegalStateException if already set
     */
    public Builder membershipTtl(Duration membershipTtl) {
      draft.membershipTtl(membershipTtl);
      return this;
    }

    /**
     * Sets how often the leader renews its lease. Default 3 s.
     *
     * @param leaderRenewInterval positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder leaderRenewInterval(Duration leaderRenewInterval) {
      draft.leaderRenewInterval(leaderRenewInterval);
      return this;
    }

    /**
     * Sets how long the leader lease lives on the server after its last renewal: how long the
     * cluster may be without a leader when the leader fails. Default 15 s.
     *
     * @param leaderLeaseTtl whole seconds, at least 1 s
     * @return this builder
     * @throws IllegalArgumentException if not whole seconds or less than 1 s
     * @throws IllegalStateException if already set
     */
    public Builder leaderLeaseTtl(Duration leaderLeaseTtl) {
      draft.leaderLeaseTtl(leaderLeaseTtl);
      return this;
    }

    /**
     * Sets how long before a lease could expire on the server the node stops acting on it. It
     * must cover the drift between this node's clock and the NATS servers' clocks over one TTL,
     * the skew between the NATS servers' wall clocks (a new stream leader expires keys by its
     * own clock) and scheduling delays. Default 2 s.
     *
     * @param safetyMargin positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder safetyMargin(Duration safetyMargin) {
      draft.safetyMargin(safetyMargin);
      return this;
    }

    /**
     * Sets how long one NATS operation (a renewal, a read, a publish) may take before it is
     * retried; also the router's attempt timeout. Default 2 s; at most the heartbeat and renew
     * intervals.
     *
     * @param operationTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder operationTimeout(Duration operationTimeout) {
      draft.operationTimeout(operationTimeout);
      return this;
    }

    /**
     * Sets how long the leader waits after a node joins before it moves shards to it, so that
     * nodes starting together cause one rebalance, not one each. Shards of nodes that left or
     * failed are reassigned at once. Default 1 s.
     *
     * @param rebalanceDelay zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder rebalanceDelay(Duration rebalanceDelay) {
      draft.rebalanceDelay(rebalanceDelay);
      return this;
    }

    /**
     * Sets how long {@link #build()} may wait to join (loading the view, and waiting for a
     * previous incarnation's membership to expire). Default 30 s.
     *
     * @param joinTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder joinTimeout(Duration joinTimeout) {
      draft.joinTimeout(joinTimeout);
      return this;
    }

    /**
     * Sets the default timeout of {@link ClusterNode#router()}'s requests. Default 10 s.
     *
     * @param requestTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder requestTimeout(Duration requestTimeout) {
      draft.requestTimeout(requestTimeout);
      return this;
    }

    /**
     * Sets how the leader spreads shards over members. Default {@link
     * AllocationStrategy#balanced()}. Every node of a cluster must use the same strategy.
     *
     * @param allocationStrategy the strategy
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder allocationStrategy(AllocationStrategy allocationStrategy) {
      draft.allocationStrategy(allocationStrategy);
      return this;
    }

    /**
     * Sets the listener for members joining, leaving and failing. Default none.
     *
     * @param membershipListener the listener
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder membershipListener(MembershipListener membershipListener) {
      draft.membershipListener(membershipListener);
      return this;
    }

    /**
     * Sets the listener for the shards this node acquires and releases. Default none.
     *
     * @param shardListener the listener
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder shardListener(ShardListener shardListener) {
      draft.shardListener(shardListener);
      return this;
    }

    /**
     * Sets the listener for leader election. Default none.
     *
     * @param leadershipListener the listener
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder leadershipListener(LeadershipListener leadershipListener) {
      draft.leadershipListener(leadershipListener);
      return this;
    }

    /**
     * Sets the handler of messages sent with {@link ClusterRouter} to actors of the shards this
     * node owns. Without one the node owns shards but answers no messages (senders time out).
     *
     * @param messageHandler the handler
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder messageHandler(ActorMessageHandler messageHandler) {
      draft.messageHandler(messageHandler);
      return this;
    }

    /**
     * Runs the message handler on this executor instead of the node's NATS dispatcher thread,
     * so that messages are handled concurrently. A rejected task is answered as "not the owner"
     * and the sender tries again.
     *
     * @param handlerExecutor the executor; the node does not shut it down
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder handlerExecutor(Executor handlerExecutor) {
      draft.handlerExecutor(handlerExecutor);
      return this;
    }

    /**
     * Sets how long releasing a shard waits for the message handler's requests of that shard
     * that are still running. Default: the {@link #requestTimeout(Duration) request timeout}
     * (10 s), by which time their callers have given up. A handler still running after this is
     * logged as an error (shard, handler class, stuck threads with their stacks) and the shard is released anyway, so that a handler that
     * never returns does not stop this node from applying assignments, releasing and acquiring
     * its other shards; its membership and leader lease are renewed on their own threads in any
     * case. The stuck request keeps its thread; once the shard has moved, the new owner may run
     * requests of the same actors while it runs, so state it writes must be fenced (for example
     * by an expected version), see docs/cluster.md.
     *
     * @param shardDrainTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder shardDrainTimeout(Duration shardDrainTimeout) {
      draft.shardDrainTimeout(shardDrainTimeout);
      return this;
    }

    /**
     * Registers the node's meters on {@code registry} (default: none, and no Micrometer class
     * loaded), tagged with {@code cluster} and {@code node}: the gauges {@code
     * aether.cluster.leader} (1 while this node leads), {@code aether.cluster.members} and {@code
     * aether.cluster.shards.owned}; the counters {@code aether.cluster.rebalances} (assignments
     * applied) and {@code aether.cluster.lease.renewal.failures} (by {@code lease} = {@code
     * membership}, {@code leader}); the timer {@code aether.cluster.handoffs} (shard releases by
     * {@code reason} and how long each took); and its {@link ClusterNode#router() router}'s
     * {@code aether.cluster.router.requests} and {@code aether.cluster.router.retries} (see
     * {@link ClusterRouter.Builder#meterRegistry}). See {@code docs/operations.md}. They are
     * removed when the node closes. Micrometer is an optional dependency: add {@code micrometer-core} to
     * use this.
     *
     * @param registry the registry
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      draft.meterRegistry(registry);
      return this;
    }

    /**
     * Sets where the node's three scheduled threads come from (default: platform daemon
     * threads): the events thread (watch, listeners, assignments), the membership thread and the
     * leader thread. The node names each thread it gets ({@code aether-cluster-<node>-events},
     * {@code -membership}, {@code -leader}) and otherwise keeps what the factory made, so a factory
     * of virtual threads ({@code Thread.ofVirtual().factory()} on Java 21 and newer) makes them
     * virtual. The threads block on requests to NATS, each bounded by the operation timeout.
     * Routed handlers run on the {@link #handlerExecutor handler executor} (or jnats' dispatcher),
     * not on these.
     *
     * @param threadFactory the factory; it must return an unstarted thread for every call (one
     *     returning null makes {@link #build()} fail with {@link IllegalStateException})
     * @return this builder
     * @throws NullPointerException if {@code threadFactory} is null
     * @throws IllegalStateException if already set
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      draft.threadFactory(threadFactory);
      return this;
    }

    /**
     * Sets whether the node registers a JVM shutdown hook that closes it (default {@code true}),
     * so that a SIGTERM (a rolling deploy, {@code docker stop}, Kubernetes) hands its shards over
     * at once, as {@link ClusterNode#close()} does, instead of leaving them until its membership
     * expires. The hook is {@link one.flowmade.aether.Shutdown}'s ({@code aether-shutdown}); it is
     * removed when the node is closed. JVM shutdown hooks run concurrently: to close what the
     * node uses (actor host, projections, stores, the connection) after it, register {@link
     * one.flowmade.aether.Shutdown#onSignal} with the node first, whose {@code close()} then waits
     * for the handover. Switch it off when the application closes the node on shutdown itself
     * (a container's lifecycle, for example).
     *
     * @param register false to register no hook
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder shutdownHook(boolean register) {
      draft.shutdownHook(register);
      return this;
    }

    /**
     * Joins the cluster: checks the server version, creates the cluster's bucket if needed,
     * checks the shard count, loads the view, and creates this node's membership. Blocks until
     * the node is a member, at most about the join timeout; NATS failing to answer (for example
     * during a stream-leader election) is retried until then.
     *
     * @return the member node, with its shutdown hook registered unless {@link
     *     #shutdownHook(boolean) switched off}; the caller closes it
     * @throws IllegalStateException if a required property is missing or the timings do not fit
     *     together
     * @throws one.flowmade.aether.UnsupportedServerException if the server is older than 2.12 or
     *     has no JetStream
     * @throws ClusterConfigurationException if the cluster has another shard count or its bucket
     *     has no per-key TTLs
     * @throws ClusterJoinException if the node could not join within the join timeout (NATS
     *     did not answer, or another live incarnation holds the node id)
     * @throws one.flowmade.aether.PermissionDeniedException at once if the connection's NATS user
     *     may not use the cluster's bucket
     * @throws one.flowmade.aether.UnsafeStreamException at once, changing nothing, if the
     *     cluster's bucket exists with a configuration that could leak or forge (sources, mirror,
     *     republish, a subject transform, subjects other than {@code $KV.<bucket>.>}, direct
     *     gets); see {@code docs/security.md}
     */
    public ClusterNode build() {
      Settings settings = settings();
      // Typed Object, not MeterRegistry: a lambda that captured a MeterRegistry would make the
      // JVM load Micrometer for every node, and Micrometer is an optional dependency (without it
      // on the class path build() failed with NoClassDefFoundError). The cast below runs only
      // when a registry was given.
      Object registry = draft.meterRegistry();
      ClusterNode node = new ClusterNode(settings, NodeJoin.join(settings, runtime -> {
        if (registry != null) {
          runtime.meters(new MicrometerNodeMeters((MeterRegistry) registry,
              settings.clusterName(), settings.nodeId(), runtime::isLeader,
              () -> runtime.members().size(), () -> runtime.activeShards().size()));
        }
      }));
      if (draft.shutdownHook()) {
        node.registerShutdownHook();
      }
      return node;
    }

    Settings settings() {
      return draft.nodeSettings();
    }
  }
}
