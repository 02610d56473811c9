package one.flowmade.aether.cluster.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import one.flowmade.aether.cluster.ActorMessageHandler;
import one.flowmade.aether.cluster.AllocationStrategy;
import one.flowmade.aether.cluster.ClusterConfigurationException;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.cluster.LeadershipListener;
import one.flowmade.aether.cluster.MembershipListener;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import org.jspecify.annotations.Nullable;

/**
 * The values set so far on a {@link ClusterNode.Builder} or a {@link ClusterRouter.Builder}: each
 * setter checks its value at once and may be called once (a second call throws {@link
 * IllegalStateException} naming the property); {@link #nodeSettings()} and {@link
 * #routerSettings()} check what is required, apply the defaults and check how the timings fit
 * together. The messages are the builders' documented ones. Not thread-safe, as the builders are.
 */
public final class SettingsDraft {

  private @Nullable Connection connection;
  private @Nullable String clusterName;
  private @Nullable String nodeId;
  private @Nullable Map<String, String> metadata;
  private @Nullable Integer shardCount;
  private @Nullable Integer replicas;
  private @Nullable Duration heartbeatInterval;
  private @Nullable Duration membershipTtl;
  private @Nullable Duration leaderRenewInterval;
  private @Nullable Duration leaderLeaseTtl;
  private @Nullable Duration safetyMargin;
  private @Nullable Duration operationTimeout;
  private @Nullable Duration rebalanceDelay;
  private @Nullable Duration joinTimeout;
  private @Nullable Duration requestTimeout;
  private @Nullable Duration attemptTimeout;
  private @Nullable AllocationStrategy allocationStrategy;
  private @Nullable MembershipListener membershipListener;
  private @Nullable ShardListener shardListener;
  private @Nullable LeadershipListener leadershipListener;
  private @Nullable ActorMessageHandler messageHandler;
  private @Nullable Executor handlerExecutor;
  private @Nullable Duration shardDrainTimeout;
  private @Nullable MeterRegistry meterRegistry;
  private @Nullable Boolean shutdownHook;
  private @Nullable ThreadFactory threadFactory;

  /**
   * Sets the NATS connection.
   *
   * @param connection the connection
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void connection(Connection connection) {
    this.connection = object("connection", this.connection,
        Objects.requireNonNull(connection, "connection"));
  }

  /**
   * Sets the cluster name.
   *
   * @param clusterName the name, see {@link SettingsChecks#checkClusterName}
   * @throws IllegalArgumentException if invalid
   * @throws IllegalStateException if already set
   */
  public void clusterName(String clusterName) {
    SettingsChecks.checkClusterName(clusterName);
    this.clusterName = value("clusterName", this.clusterName, clusterName);
  }

  /**
   * Sets the node id.
   *
   * @param nodeId the id, see {@link SettingsChecks#checkNodeId}
   * @throws IllegalArgumentException if invalid
   * @throws IllegalStateException if already set
   */
  public void nodeId(String nodeId) {
    SettingsChecks.checkNodeId(nodeId);
    this.nodeId = value("nodeId", this.nodeId, nodeId);
  }

  /**
   * Sets the node's metadata, copied.
   *
   * @param metadata string keys and values
   * @throws NullPointerException if it, a key or a value is null
   * @throws IllegalStateException if already set
   */
  public void metadata(Map<String, String> metadata) {
    Objects.requireNonNull(metadata, "metadata");
    Map<String, String> copy = new LinkedHashMap<>();
    metadata.forEach((k, v) -> copy.put(Objects.requireNonNull(k, "metadata key"),
        Objects.requireNonNull(v, "metadata value of " + k)));
    this.metadata = object("metadata", this.metadata, Map.copyOf(copy));
  }

  /**
   * Sets the shard count.
   *
   * @param shardCount from 1 to {@link Sharding#MAX_SHARDS}
   * @throws IllegalArgumentException if out of range
   * @throws IllegalStateException if already set
   */
  public void shardCount(int shardCount) {
    Sharding.of(shardCount);
    this.shardCount = value("shardCount", this.shardCount, shardCount);
  }

  /**
   * Sets the replicas of the cluster's bucket.
   *
   * @param replicas from 1 to 5
   * @throws IllegalArgumentException if out of range
   * @throws IllegalStateException if already set
   */
  public void replicas(int replicas) {
    if (replicas < 1 || replicas > 5) {
      throw new IllegalArgumentException("replicas must be between 1 and 5, was " + replicas);
    }
    this.replicas = value("replicas", this.replicas, replicas);
  }

  /**
   * Sets the membership's renewal interval.
   *
   * @param heartbeatInterval positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void heartbeatInterval(Duration heartbeatInterval) {
    SettingsChecks.checkPositive("heartbeatInterval", heartbeatInterval);
    this.heartbeatInterval = value("heartbeatInterval", this.heartbeatInterval,
        heartbeatInterval);
  }

  /**
   * Sets the membership's TTL.
   *
   * @param membershipTtl whole seconds, at least 1 s
   * @throws IllegalArgumentException if not whole seconds or less than 1 s
   * @throws IllegalStateException if already set
   */
  public void membershipTtl(Duration membershipTtl) {
    SettingsChecks.checkTtl("membershipTtl", membershipTtl);
    this.membershipTtl = value("membershipTtl", this.membershipTtl, membershipTtl);
  }

  /**
   * Sets the leader lease's renewal interval.
   *
   * @param leaderRenewInterval positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void leaderRenewInterval(Duration leaderRenewInterval) {
    SettingsChecks.checkPositive("leaderRenewInterval", leaderRenewInterval);
    this.leaderRenewInterval = value("leaderRenewInterval", this.leaderRenewInterval,
        leaderRenewInterval);
  }

  /**
   * Sets the leader lease's TTL.
   *
   * @param leaderLeaseTtl whole seconds, at least 1 s
   * @throws IllegalArgumentException if not whole seconds or less than 1 s
   * @throws IllegalStateException if already set
   */
  public void leaderLeaseTtl(Duration leaderLeaseTtl) {
    SettingsChecks.checkTtl("leaderLeaseTtl", leaderLeaseTtl);
    this.leaderLeaseTtl = value("leaderLeaseTtl", this.leaderLeaseTtl, leaderLeaseTtl);
  }

  /**
   * Sets the leases' safety margin.
   *
   * @param safetyMargin positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void safetyMargin(Duration safetyMargin) {
    SettingsChecks.checkPositive("safetyMargin", safetyMargin);
    this.safetyMargin = value("safetyMargin", this.safetyMargin, safetyMargin);
  }

  /**
   * Sets the timeout of one NATS operation.
   *
   * @param operationTimeout positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void operationTimeout(Duration operationTimeout) {
    SettingsChecks.checkPositive("operationTimeout", operationTimeout);
    this.operationTimeout = value("operationTimeout", this.operationTimeout, operationTimeout);
  }

  /**
   * Sets the leader's delay before it moves shards to a node that joined.
   *
   * @param rebalanceDelay zero or more
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public void rebalanceDelay(Duration rebalanceDelay) {
    Objects.requireNonNull(rebalanceDelay, "rebalanceDelay");
    if (rebalanceDelay.isNegative()) {
      throw new IllegalArgumentException("rebalanceDelay must not be negative, was "
          + rebalanceDelay);
    }
    this.rebalanceDelay = value("rebalanceDelay", this.rebalanceDelay, rebalanceDelay);
  }

  /**
   * Sets how long joining may take.
   *
   * @param joinTimeout positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void joinTimeout(Duration joinTimeout) {
    SettingsChecks.checkPositive("joinTimeout", joinTimeout);
    this.joinTimeout = value("joinTimeout", this.joinTimeout, joinTimeout);
  }

  /**
   * Sets the router's default request timeout.
   *
   * @param requestTimeout positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void requestTimeout(Duration requestTimeout) {
    SettingsChecks.checkPositive("requestTimeout", requestTimeout);
    this.requestTimeout = value("requestTimeout", this.requestTimeout, requestTimeout);
  }

  /**
   * Sets how long one attempt of a router's request waits for a reply.
   *
   * @param attemptTimeout positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void attemptTimeout(Duration attemptTimeout) {
    SettingsChecks.checkPositive("attemptTimeout", attemptTimeout);
    this.attemptTimeout = value("attemptTimeout", this.attemptTimeout, attemptTimeout);
  }

  /**
   * Sets the allocation strategy.
   *
   * @param allocationStrategy the strategy
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void allocationStrategy(AllocationStrategy allocationStrategy) {
    this.allocationStrategy = object("allocationStrategy", this.allocationStrategy,
        Objects.requireNonNull(allocationStrategy, "allocationStrategy"));
  }

  /**
   * Sets the membership listener.
   *
   * @param membershipListener the listener
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void membershipListener(MembershipListener membershipListener) {
    this.membershipListener = object("membershipListener", this.membershipListener,
        Objects.requireNonNull(membershipListener, "membershipListener"));
  }

  /**
   * Sets the shard listener.
   *
   * @param shardListener the listener
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void shardListener(ShardListener shardListener) {
    this.shardListener = object("shardListener", this.shardListener,
        Objects.requireNonNull(shardListener, "shardListener"));
  }

  /**
   * Sets the leadership listener.
   *
   * @param leadershipListener the listener
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void leadershipListener(LeadershipListener leadershipListener) {
    this.leadershipListener = object("leadershipListener", this.leadershipListener,
        Objects.requireNonNull(leadershipListener, "leadershipListener"));
  }

  /**
   * Sets the handler of routed messages.
   *
   * @param messageHandler the handler
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void messageHandler(ActorMessageHandler messageHandler) {
    this.messageHandler = object("messageHandler", this.messageHandler,
        Objects.requireNonNull(messageHandler, "messageHandler"));
  }

  /**
   * Sets the executor of the message handler.
   *
   * @param handlerExecutor the executor
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void handlerExecutor(Executor handlerExecutor) {
    this.handlerExecutor = object("handlerExecutor", this.handlerExecutor,
        Objects.requireNonNull(handlerExecutor, "handlerExecutor"));
  }

  /**
   * Sets how long releasing a shard waits for its running requests.
   *
   * @param shardDrainTimeout positive
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public void shardDrainTimeout(Duration shardDrainTimeout) {
    SettingsChecks.checkPositive("shardDrainTimeout", shardDrainTimeout);
    this.shardDrainTimeout = value("shardDrainTimeout", this.shardDrainTimeout,
        shardDrainTimeout);
  }

  /**
   * Sets the registry of the node's meters.
   *
   * @param registry the registry
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void meterRegistry(MeterRegistry registry) {
    this.meterRegistry = object("meterRegistry", this.meterRegistry,
        Objects.requireNonNull(registry, "registry"));
  }

  /**
   * Returns the registry of the node's meters.
   *
   * @return the registry, or null if none was set
   */
  public @Nullable MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * Sets where the node's scheduled threads come from.
   *
   * @param threadFactory the factory
   * @throws NullPointerException if null
   * @throws IllegalStateException if already set
   */
  public void threadFactory(ThreadFactory threadFactory) {
    this.threadFactory = object("threadFactory", this.threadFactory,
        Objects.requireNonNull(threadFactory, "threadFactory"));
  }

  /**
   * Sets whether the node registers a JVM shutdown hook that closes it.
   *
   * @param register whether to register it
   * @throws IllegalStateException if already set
   */
  public void shutdownHook(boolean register) {
    this.shutdownHook = value("shutdownHook", this.shutdownHook, register);
  }

  /**
   * Returns whether the node registers a JVM shutdown hook.
   *
   * @return true unless it was switched off
   */
  public boolean shutdownHook() {
    return shutdownHook == null || shutdownHook;
  }

  /**
   * Returns a node's settings: the values set, the defaults for the others.
   *
   * @return the checked settings
   * @throws IllegalStateException if the connection, the cluster name or the node id is missing,
   *     or the timings do not fit together
   */
  public Settings nodeSettings() {
    Connection connection = required(this.connection, "connection");
    String clusterName = required(this.clusterName, "clusterName");
    String nodeId = required(this.nodeId, "nodeId");
    Duration heartbeat = orElse(heartbeatInterval, Duration.ofSeconds(3));
    Duration memberTtl = orElse(membershipTtl, Duration.ofSeconds(15));
    Duration renew = orElse(leaderRenewInterval, Duration.ofSeconds(3));
    Duration leaderTtl = orElse(leaderLeaseTtl, Duration.ofSeconds(15));
    Duration margin = orElse(safetyMargin, Duration.ofSeconds(2));
    Duration operation = orElse(operationTimeout, Duration.ofSeconds(2));
    SettingsChecks.checkFits("membership", memberTtl, margin, heartbeat, "heartbeatInterval");
    SettingsChecks.checkFits("leader lease", leaderTtl, margin, renew, "leaderRenewInterval");
    if (operation.compareTo(heartbeat) > 0 || operation.compareTo(renew) > 0) {
      throw new IllegalStateException("operationTimeout " + operation + " must not be longer"
          + " than heartbeatInterval " + heartbeat + " or leaderRenewInterval " + renew);
    }
    Duration request = orElse(requestTimeout, Duration.ofSeconds(10));
    return new Settings(connection, clusterName, nodeId, orElse(metadata, Map.of()),
        orElse(shardCount, Sharding.DEFAULT_SHARDS), orElse(replicas, 1), heartbeat,
        memberTtl, renew, leaderTtl, margin, operation,
        orElse(rebalanceDelay, Duration.ofSeconds(1)),
        orElse(joinTimeout, Duration.ofSeconds(30)), request,
        orElse(allocationStrategy, AllocationStrategy.balanced()),
        orElse(membershipListener, new MembershipListener() {}),
        orElse(shardListener, new ShardListener() {}),
        orElse(leadershipListener, new LeadershipListener() {}),
        messageHandler, handlerExecutor, orElse(shardDrainTimeout, request), threadFactory);
  }

  /**
   * Returns a router's settings: the values set, the defaults for the others, and the shard
   * count read from the cluster's bucket if it was not set. Blocks for that read.
   *
   * @return the settings
   * @throws IllegalStateException if the connection or the cluster name is missing
   * @throws ClusterConfigurationException if the shard count was not set and the cluster has
   *     not recorded one
   * @throws one.flowmade.aether.cluster.ClusterUnavailableException if NATS does not answer
   */
  public RouterSettings routerSettings() {
    Connection connection = required(this.connection, "connection");
    String clusterName = required(this.clusterName, "clusterName");
    int shards;
    if (shardCount != null) {
      shards = shardCount;
    } else {
      Duration timeout = orElse(operationTimeout, Duration.ofSeconds(5));
      ClusterStore store = ClusterStore.open(connection, clusterName, 1, timeout, false);
      shards = store.shardCount().orElseThrow(() -> new ClusterConfigurationException(
          "the cluster " + clusterName + " has not recorded a shard count yet (no node has"
              + " joined it); set shardCount on the router builder or start a node first"));
    }
    return new RouterSettings(connection, clusterName, Sharding.of(shards),
        orElse(requestTimeout, Duration.ofSeconds(10)),
        orElse(attemptTimeout, Duration.ofSeconds(2)));
  }

  private static <T> T required(@Nullable T value, String name) {
    if (value == null) {
      throw new IllegalStateException(name + " is required");
    }
    return value;
  }

  /** Returns {@code value} if nothing was set yet; the message shows the value set before. */
  private static <T> T value(String name, @Nullable T current, T value) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current);
    }
    return value;
  }

  /** Returns {@code value} if nothing was set yet; for objects whose text says nothing. */
  private static <T> T object(String name, @Nullable T current, T value) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set");
    }
    return value;
  }

  private static <T> T orElse(@Nullable T value, T otherwise) {
    return value != null ? value : otherwise;
  }
}
