package one.flowmade.aether.cluster.internal;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import one.flowmade.aether.cluster.ActorMessageHandler;
import one.flowmade.aether.cluster.AllocationStrategy;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.LeadershipListener;
import one.flowmade.aether.cluster.MembershipListener;
import one.flowmade.aether.cluster.ShardListener;

/**
 * A {@link ClusterNode}'s configuration, checked by its builder. {@code threadFactory} is null
 * for the default (platform daemon threads).
 */
public record Settings(
    Connection connection,
    String clusterName,
    String nodeId,
    Map<String, String> metadata,
    int shardCount,
    int replicas,
    Duration heartbeatInterval,
    Duration membershipTtl,
    Duration leaderRenewInterval,
    Duration leaderLeaseTtl,
    Duration safetyMargin,
    Duration operationTimeout,
    Duration rebalanceDelay,
    Duration joinTimeout,
    Duration requestTimeout,
    AllocationStrategy allocationStrategy,
    MembershipListener membershipListener,
    ShardListener shardListener,
    LeadershipListener leadershipListener,
    ActorMessageHandler messageHandler,
    Executor handlerExecutor,
    Duration shardDrainTimeout,
    ThreadFactory threadFactory) {}
