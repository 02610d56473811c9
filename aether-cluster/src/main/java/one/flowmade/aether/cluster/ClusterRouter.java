package one.flowmade.aether.cluster;

import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.subject;

import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.cluster.internal.RouterSettings;
import one.flowmade.aether.cluster.internal.SettingsChecks;
import one.flowmade.aether.cluster.internal.SettingsDraft;
import one.flowmade.aether.cluster.internal.MicrometerRouterMeters;
import one.flowmade.aether.cluster.internal.routing.LocalRoute;
import one.flowmade.aether.cluster.internal.routing.OwnerRequest;
import one.flowmade.aether.cluster.internal.routing.RouterMeters;
import one.flowmade.aether.nats.TokenEncoding;
import org.jspecify.annotations.Nullable;

/**
 * Sends a message to whichever node owns an actor now and returns its reply, over NATS
 * request/reply.
 *
 * <p>Each shard has its own subject, {@code aether.cluster.<cluster>.shard.<shard>.<actor>}
 * ({@code <actor>} encoded with {@link TokenEncoding}), and only the node that owns the shard
 * subscribes to it, while it owns it. So a request reaches the owner without the sender knowing
 * the assignment. While a shard is being handed over nobody answers for a moment, or the old owner
 * answers that it no longer owns it; the router then tries again with a short backoff (25 ms
 * doubling to 500 ms) until the new owner answers or the request timeout passes, and then fails
 * with a {@link ShardUnavailableException} that says what it saw. An attempt that gets no reply
 * within the attempt timeout is also tried again, so delivery is at least once. Every attempt of
 * one request carries the same request id: a node where an earlier attempt still runs, or was
 * answered in the last 2 s, answers with that attempt's reply instead of running it again.
 *
 * <p>A node's router ({@link ClusterNode#router()}) runs a request for a shard that its own node
 * serves at that moment on that node without sending it through nats-server, if the node has a
 * {@link ClusterNode.Builder#handlerExecutor handler executor}: the request enters the shard's
 * gate on the membership lease's clock and runs on the handler executor with the same {@link
 * OwnedShard} (shard and epoch) as a request that came over NATS, so fencing, the shard's drain on
 * release and the handler's view are the same; it is never sent twice (nothing can lose it), and
 * a shard that is not served here, is being released or whose lease has run out is reached over
 * NATS as usual. A "moved" answer or a handler's failure is handled as for a remote owner. Only
 * the request/reply hop through nats-server is skipped; the meters count such requests too.
 *
 * <p>Get one from {@link ClusterNode#router()}, or build one with {@link #builder()} in a process
 * that only sends. A router holds no threads or subscriptions of its own and needs no closing; a
 * node's router fails at once with {@link IllegalStateException} once the node is closed, as
 * does any router whose connection is closed. Thread-safe.
 */
public final class ClusterRouter {

  private final Connection connection;
  private final @Nullable LocalRoute local;
  private final String clusterName;
  private final Sharding sharding;
  private final Duration requestTimeout;
  private final Duration attemptTimeout;
  private final Supplier<String> closed;
  private final RouterMeters meters;

  /**
   * Creates a router whose requests fail at once while {@code closed} returns a reason (the
   * owner of the router was closed), and otherwise run as usual; {@code local} (null for a
   * router that is not a node's) runs those for the shards its node serves.
   */
  ClusterRouter(Connection connection, @Nullable LocalRoute local, String clusterName,
      Sharding sharding, Duration requestTimeout, Duration attemptTimeout, Supplier<String> closed,
      RouterMeters meters) {
    this.local = local;
    this.closed = closed;
    this.meters = meters;
    this.connection = connection;
    this.clusterName = clusterName;
    this.sharding = sharding;
    this.requestTimeout = requestTimeout;
    this.attemptTimeout = attemptTimeout;
  }

  /**
   * Returns a builder for a router of a cluster that this process need not be a member of.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the name of the cluster this router sends to.
   *
   * @return the cluster name
   */
  public String clusterName() {
    return clusterName;
  }

  /**
   * Returns the sharding the router uses to find an actor's shard.
   *
   * @return the sharding
   */
  public Sharding sharding() {
    return sharding;
  }

  /**
   * Returns the default request timeout.
   *
   * @return the timeout used when none is given
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Sends a message to the owner of an actor and waits for its reply, at most the default request
   * timeout. Blocks.
   *
   * @param actorId a valid actor id
   * @param payload the message body (may be empty)
   * @return the owner's reply
   * @throws ShardUnavailableException if no owner answered in time
   * @throws ActorRequestException if the owner's handler threw
   * @throws IllegalArgumentException if the actor id is invalid
   * @throws IllegalStateException if the connection or the router's node is closed
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): the owner may or may not have handled the message; send
   *     it again if the interrupt was not a stop
   */
  public byte[] request(String actorId, byte[] payload) {
    return request(actorId, payload, requestTimeout);
  }

  /**
   * Sends a message to the owner of an actor and waits for its reply. Blocks for at most about
   * {@code timeout}.
   *
   * @param actorId a valid actor id
   * @param payload the message body (may be empty)
   * @param timeout how long to keep trying, positive
   * @return the owner's reply
   * @throws ShardUnavailableException if no owner answered in time
   * @throws ActorRequestException if the owner's handler threw
   * @throws IllegalArgumentException if the actor id is invalid or the timeout not positive
   * @throws IllegalStateException if the connection or the router's node is closed
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): the owner may or may not have handled the message; send
   *     it again if the interrupt was not a stop
   */
  public byte[] request(String actorId, byte[] payload, Duration timeout) {
    CompletableFuture<byte[]> reply = requestAsync(actorId, payload, timeout);
    try {
      return reply.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply.cancel(false);
      throw new AetherTransientException("interrupted while waiting for a reply for actor '"
          + actorId + "'; the owner may have handled the message", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AetherException ae) {
        throw ae;
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Sends a message to the owner of an actor with the default request timeout; see {@link
   * #requestAsync(String, byte[], Duration)}.
   *
   * @param actorId a valid actor id
   * @param payload the message body (may be empty)
   * @return the owner's reply, to come
   * @throws IllegalArgumentException if the actor id is invalid
   */
  public CompletableFuture<byte[]> requestAsync(String actorId, byte[] payload) {
    return requestAsync(actorId, payload, requestTimeout);
  }

  /**
   * Sends a message to the owner of an actor without blocking. The future completes with the
   * reply, or exceptionally with {@link ShardUnavailableException}, {@link ActorRequestException}
   * or {@link IllegalStateException} (connection or the router's node closed), as {@link #request(String, byte[],
   * Duration)} would throw. Callbacks run on NATS or common-pool threads.
   *
   * @param actorId a valid actor id
   * @param payload the message body (may be empty)
   * @param timeout how long to keep trying, positive
   * @return the owner's reply, to come
   * @throws IllegalArgumentException if the actor id is invalid or the timeout not positive
   */
  public CompletableFuture<byte[]> requestAsync(String actorId, byte[] payload,
      Duration timeout) {
    Objects.requireNonNull(payload, "payload");
    SettingsChecks.checkPositive("timeout", timeout);
    int shard = sharding.shardOf(actorId);
    String closedReason = closed.get();
    if (closedReason != null) {
      meters.finished(RouterMeters.CLOSED, 0);
      return CompletableFuture.failedFuture(OwnerRequest.closedFailure(actorId, closedReason));
    }
    return OwnerRequest.start(connection, local, attemptTimeout, closed, meters, actorId, shard,
        subject(clusterName, shard, actorId), payload, timeout);
  }

  /**
   * Configures a {@link ClusterRouter}. Each property may be set once; a second call throws
   * {@link IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {

    private final SettingsDraft draft = new SettingsDraft();
    /** A MeterRegistry, typed Object so that a router without one loads no Micrometer class. */
    private @Nullable Object meterRegistry;

    private Builder() {}

    /**
     * Sets the NATS connection to send on (required). The router does not close it.
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
     * Sets the cluster to send to (required).
     *
     * @param clusterName a valid cluster name (see {@link ClusterNode.Builder#clusterName})
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if already set
     */
    public Builder clusterName(String clusterName) {
      draft.clusterName(clusterName);
      return this;
    }

    /**
     * Sets the cluster's shard count. Without it, {@link #build()} reads it from the cluster's
     * bucket (which needs a node to have joined once).
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
     * Sets how long a request keeps trying by default. Default 10 s.
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
     * Sets how long one attempt waits for a reply before the router tries again (jnats ends an
     * attempt at its next request cleanup, so it may wait up to {@code
     * Options.requestCleanupInterval}, 5 s by default, longer). A handler that takes longer than
     * this does not see the message twice on the same node (the owner answers the retry with the
     * running attempt's reply), but may after a handoff. Default 2 s.
     *
     * @param attemptTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      draft.attemptTimeout(attemptTimeout);
      return this;
    }

    /**
     * Sets how long reading the shard count from NATS may take. Default 5 s.
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
     * Registers the router's meters on {@code registry} (default: none, and no Micrometer class
     * loaded), tagged with {@code cluster} and {@code node} = {@code -}: the timer {@code
     * aether.cluster.router.requests} (requests by {@code outcome} = {@code success}, {@code
     * timeout}, {@code handler_error}, {@code closed}, {@code cancelled}, and how long each took)
     * and the counter {@code aether.cluster.router.retries} (attempts sent again, by {@code
     * reason} = {@code no_responders}, {@code no_reply}, {@code moved}, {@code send_failed}). See
     * {@code docs/operations.md}. A node's router ({@link ClusterNode#router()}) has them when the
     * node was given a registry. They stay registered (a router needs no closing); remove them
     * from the registry if the router goes away before the process. Micrometer is an optional
     * dependency: add {@code micrometer-core} to use this.
     *
     * @param registry the registry
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      if (meterRegistry != null) {
        throw new IllegalStateException("meterRegistry is already set");
      }
      meterRegistry = registry;
      return this;
    }

    /**
     * Builds the router. Blocks to read the shard count if it was not set.
     *
     * @return the router
     * @throws IllegalStateException if the connection or the cluster name is missing
     * @throws ClusterConfigurationException if the shard count was not set and the cluster does
     *     not exist or has not recorded one (no node has joined it yet)
     * @throws ClusterUnavailableException if NATS does not answer
     * @throws one.flowmade.aether.UnsafeStreamException if the shard count was not set and the
     *     cluster's bucket has a configuration that could leak or forge (as {@link
     *     ClusterNode.Builder#build()})
     */
    public ClusterRouter build() {
      RouterSettings settings = draft.routerSettings();
      RouterMeters meters = meterRegistry == null ? RouterMeters.NONE
          : MicrometerRouterMeters.standalone(meterRegistry, settings.clusterName());
      return new ClusterRouter(settings.connection(), null, settings.clusterName(),
          settings.sharding(), settings.requestTimeout(), settings.attemptTimeout(), () -> null,
          meters);
    }
  }
}
