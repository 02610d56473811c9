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
import org.jspecify.annotations.Nullable;

/**
 * A {@link ClusterNode}'s configuration, checked by its builder. {@code threadFactory} is null
 * for the default (platform daemon threads), {@code messageHandler} for a node that takes no
 * routed messages and {@code handlerExecutor} for handlers run on the NATS dispatcher's thread.
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
    @Nullable ActorMessageHandler messageHandler,
    @Nullable Executor handlerExecutor,
    Duration shardDrainTimeout,
    @Nullable ThreadFactory threadFactory) {}
