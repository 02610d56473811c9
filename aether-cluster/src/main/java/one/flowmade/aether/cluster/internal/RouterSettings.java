package one.flowmade.aether.cluster.internal;

import io.nats.client.Connection;
import java.time.Duration;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.cluster.Sharding;

/**
 * A {@link ClusterRouter}'s configuration, checked by its builder.
 *
 * @param connection the connection to send on
 * @param clusterName the cluster to send to
 * @param sharding the cluster's sharding
 * @param requestTimeout how long a request keeps trying by default
 * @param attemptTimeout how long one attempt waits for a reply
 */
public record RouterSettings(
    Connection connection,
    String clusterName,
    Sharding sharding,
    Duration requestTimeout,
    Duration attemptTimeout) {}
