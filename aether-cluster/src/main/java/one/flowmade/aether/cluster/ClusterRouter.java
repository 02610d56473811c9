package one.flowmade.aether.cluster;

import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.ERROR_HEADER;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.NODE_HEADER;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.STATUS_FAILED;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.STATUS_HEADER;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.STATUS_OK;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.subject;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.cluster.internal.SettingsChecks;
import one.flowmade.aether.cluster.internal.store.ClusterStore;
import one.flowmade.aether.nats.TokenEncoding;

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
 * within the attempt timeout is also tried again, so delivery is at least once.
 *
 * <p>Get one from {@link ClusterNode#router()}, or build one with {@link #builder()} in a process
 * that only sends. A router holds no threads or subscriptions of its own and needs no closing; a
 * node's router fails at once with {@link IllegalStateException} once the node is closed, as
 * does any router whose connection is closed. Thread-safe.
 */
public final class ClusterRouter {

  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Connection connection;
  private final String clusterName;
  private final Sharding sharding;
  private final Duration requestTimeout;
  private final Duration attemptTimeout;
  private final Supplier<String> closed;

  ClusterRouter(Connection connection, String clusterName, Sharding sharding,
      Duration requestTimeout, Duration attemptTimeout) {
    this(connection, clusterName, sharding, requestTimeout, attemptTimeout, () -> null);
  }

  /**
   * Creates a router whose requests fail at once while {@code closed} returns a reason (the
   * owner of the router was closed), and otherwise run as usual.
   */
  ClusterRouter(Connection connection, String clusterName, Sharding sharding,
      Duration requestTimeout, Duration attemptTimeout, Supplier<String> closed) {
    this.closed = closed;
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
   */
  public byte[] request(String actorId, byte[] payload, Duration timeout) {
    CompletableFuture<byte[]> reply = requestAsync(actorId, payload, timeout);
    try {
      return reply.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply.cancel(false);
      throw new IllegalStateException("interrupted while waiting for a reply for " + actorId, e);
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
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    int shard = sharding.shardOf(actorId);
    String closedReason = closed.get();
    if (closedReason != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("cannot send to actor '"
          + actorId + "': " + closedReason));
    }
    Message message = NatsMessage.builder()
        .subject(subject(clusterName, shard, actorId))
        .data(payload)
        .build();
    Attempt attempt = new Attempt(actorId, shard, message, System.nanoTime(), timeout);
    send(attempt);
    return attempt.result;
  }

  private void send(Attempt a) {
    long now = System.nanoTime();
    long remaining = a.deadline - now;
    if (remaining <= 0) {
      a.result.completeExceptionally(a.timedOut());
      return;
    }
    if (connection.getStatus() == Connection.Status.CLOSED) {
      a.result.completeExceptionally(
          new IllegalStateException("the NATS connection of the router is closed"));
      return;
    }
    String closedReason = closed.get();
    if (closedReason != null) {
      a.result.completeExceptionally(new IllegalStateException("cannot send to actor '"
          + a.actorId + "': " + closedReason));
      return;
    }
    if (a.result.isDone()) {
      return;
    }
    a.attempts++;
    CompletableFuture<Message> reply;
    try {
      reply = connection.requestWithTimeout(a.message,
          Duration.ofNanos(Math.min(remaining, attemptTimeout.toNanos())));
    } catch (RuntimeException e) {
      a.last = "the request could not be sent: " + e;
      a.lastCause = e;
      retry(a);
      return;
    }
    reply.whenComplete((m, error) -> {
      if (error == null) {
        onReply(a, m);
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      if (cause instanceof CancellationException) {
        a.last = "no node subscribed to the shard's subject (no owner at that moment)";
      } else if (cause instanceof TimeoutException) {
        a.last = "the last attempt got no reply within " + attemptTimeout.toMillis() + " ms";
      } else {
        a.last = "the last attempt failed: " + cause;
        a.lastCause = cause;
      }
      retry(a);
    });
  }

  private void onReply(Attempt a, Message m) {
    Headers headers = m.getHeaders();
    String status = headers == null ? null : headers.getFirst(STATUS_HEADER);
    String node = headers == null ? null : headers.getFirst(NODE_HEADER);
    if (STATUS_OK.equals(status)) {
      byte[] data = m.getData();
      a.result.complete(data == null ? new byte[0] : data);
    } else if (STATUS_FAILED.equals(status)) {
      String error = headers.getFirst(ERROR_HEADER);
      a.result.completeExceptionally(new ActorRequestException(a.actorId,
          node == null ? "?" : node, error == null ? "unknown error" : error));
    } else {
      a.last = "node " + (node == null ? "?" : node) + " answered that it does not own shard "
          + a.shard + " (any more)";
      retry(a);
    }
  }

  private void retry(Attempt a) {
    long backoff = Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(a.attempts - 1, 5));
    long remaining = a.deadline - System.nanoTime();
    if (remaining <= 0) {
      a.result.completeExceptionally(a.timedOut());
      return;
    }
    CompletableFuture.delayedExecutor(Math.min(backoff, remaining), TimeUnit.NANOSECONDS)
        .execute(() -> send(a));
  }

  private static final class Attempt {
    final String actorId;
    final int shard;
    final Message message;
    final long started;
    final long deadline;
    final CompletableFuture<byte[]> result = new CompletableFuture<>();
    volatile int attempts;
    volatile String last = "no attempt was made";
    volatile Throwable lastCause;

    Attempt(String actorId, int shard, Message message, long started, Duration timeout) {
      this.actorId = actorId;
      this.shard = shard;
      this.message = message;
      this.started = started;
      this.deadline = started + timeout.toNanos();
    }

    ShardUnavailableException timedOut() {
      Duration waited = Duration.ofNanos(System.nanoTime() - started);
      return new ShardUnavailableException(actorId, shard, waited, "no owner of shard " + shard
          + " answered for actor '" + actorId + "' within " + waited.toMillis() + " ms ("
          + attempts + " attempt" + (attempts == 1 ? "" : "s") + "); " + last, lastCause);
    }
  }

  /**
   * Configures a {@link ClusterRouter}. Each property may be set once; a second call throws
   * {@link IllegalStateException}. Not thread-safe.
   */
  public static final class Builder {

    private Connection connection;
    private String clusterName;
    private Integer shardCount;
    private Duration requestTimeout;
    private Duration attemptTimeout;
    private Duration operationTimeout;

    private Builder() {}

    /**
     * Sets the NATS connection to send on (required). The router does not close it.
     *
     * @param connection a connection
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder connection(Connection connection) {
      Objects.requireNonNull(connection, "connection");
      if (this.connection != null) {
        throw new IllegalStateException("connection was already set");
      }
      this.connection = connection;
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
      SettingsChecks.checkClusterName(clusterName);
      if (this.clusterName != null) {
        throw new IllegalStateException("clusterName was already set to " + this.clusterName);
      }
      this.clusterName = clusterName;
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
      Sharding.of(shardCount);
      if (this.shardCount != null) {
        throw new IllegalStateException("shardCount was already set to " + this.shardCount);
      }
      this.shardCount = shardCount;
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
      SettingsChecks.checkPositive("requestTimeout", requestTimeout);
      if (this.requestTimeout != null) {
        throw new IllegalStateException("requestTimeout was already set to "
            + this.requestTimeout);
      }
      this.requestTimeout = requestTimeout;
      return this;
    }

    /**
     * Sets how long one attempt waits for a reply before the router tries again. A handler that
     * takes longer than this may see the message twice. Default 2 s.
     *
     * @param attemptTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder attemptTimeout(Duration attemptTimeout) {
      SettingsChecks.checkPositive("attemptTimeout", attemptTimeout);
      if (this.attemptTimeout != null) {
        throw new IllegalStateException("attemptTimeout was already set to "
            + this.attemptTimeout);
      }
      this.attemptTimeout = attemptTimeout;
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
      SettingsChecks.checkPositive("operationTimeout", operationTimeout);
      if (this.operationTimeout != null) {
        throw new IllegalStateException("operationTimeout was already set to "
            + this.operationTimeout);
      }
      this.operationTimeout = operationTimeout;
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
     */
    public ClusterRouter build() {
      if (connection == null) {
        throw new IllegalStateException("connection is required");
      }
      if (clusterName == null) {
        throw new IllegalStateException("clusterName is required");
      }
      int shards;
      if (shardCount != null) {
        shards = shardCount;
      } else {
        Duration timeout = operationTimeout == null ? Duration.ofSeconds(5) : operationTimeout;
        ClusterStore store = ClusterStore.open(connection, clusterName, 1, timeout, false);
        shards = store.shardCount().orElseThrow(() -> new ClusterConfigurationException(
            "the cluster " + clusterName + " has not recorded a shard count yet (no node has"
                + " joined it); set shardCount on the router builder or start a node first"));
      }
      return new ClusterRouter(connection, clusterName, Sharding.of(shards),
          requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout,
          attemptTimeout == null ? Duration.ofSeconds(2) : attemptTimeout);
    }
  }
}
