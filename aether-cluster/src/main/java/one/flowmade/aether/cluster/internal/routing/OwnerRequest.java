package one.flowmade.aether.cluster.internal.routing;

import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.ERROR_HEADER;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.NODE_HEADER;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.STATUS_FAILED;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.STATUS_HEADER;
import static one.flowmade.aether.cluster.internal.routing.RoutingProtocol.STATUS_OK;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.NatsRequestCompletableFuture;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import one.flowmade.aether.cluster.ActorRequestException;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.cluster.ShardUnavailableException;
import org.jspecify.annotations.Nullable;

/**
 * One request of a {@link ClusterRouter} to the owner of an actor's shard, and its attempts: each
 * attempt waits at most the attempt timeout for a reply; no subscriber, no reply in time, a
 * failed send or a "moved" answer is tried again after a backoff (25 ms doubling to 500 ms),
 * until the owner answers or the request's deadline passes. Then the result fails with a {@link
 * ShardUnavailableException} that says what the last attempt saw. A handler's failure ({@link
 * ActorRequestException}) and the connection or the router's owner closed ({@link
 * IllegalStateException}) end it at once. Attempts run one after another, on NATS reply threads
 * and the common pool's delayed executor; thread-safe.
 *
 * <p>A router of a node tries the node's {@link LocalRoute} first: if the node serves the shard
 * now, the attempt runs there, through the shard's gate on the handler executor, and is not sent
 * over NATS; it has no attempt timeout (it is never lost, so never sent again) and no timer of its
 * own: the node ends it within about 100 ms after the request's deadline if its handler has not
 * answered by then. A "moved" answer is tried again as above, locally or over
 * NATS, whichever serves the shard by then.
 */
public final class OwnerRequest {

  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(25);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(500);

  private final Connection connection;
  private final @Nullable LocalRoute local;
  private final Duration attemptTimeout;
  private final Supplier<String> closed;
  private final RouterMeters meters;
  private final String actorId;
  private final int shard;
  private final Message message;
  private final long started;
  private final long deadline;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final AtomicBoolean recorded = new AtomicBoolean();
  /** How a local attempt answers. */
  private final LocalRoute.Answer localAnswer = new LocalRoute.Answer() {
    @Override
    public void answered(String status, byte @Nullable [] body, @Nullable String error,
        String nodeId) {
      OwnerRequest.this.answered(status, body, error, nodeId);
    }

    @Override
    public void expired() {
      last = "the handler on this node did not answer in time";
      // called on a node thread: the caller's callbacks run elsewhere
      CompletableFuture.runAsync(() -> fail(timedOut()));
    }
  };
  private volatile int attempts;
  private volatile String last = "no attempt was made";
  private volatile @Nullable Throwable lastCause;

  private OwnerRequest(Connection connection, @Nullable LocalRoute local, Duration attemptTimeout,
      Supplier<String> closed, RouterMeters meters, String actorId, int shard, Message message,
      Duration timeout) {
    this.connection = connection;
    this.local = local;
    this.meters = meters;
    this.attemptTimeout = attemptTimeout;
    this.closed = closed;
    this.actorId = actorId;
    this.shard = shard;
    this.message = message;
    this.started = System.nanoTime();
    this.deadline = started + timeout.toNanos();
  }

  /**
   * Sends a request and tries again until the owner answers or {@code timeout} has passed.
   *
   * @param connection the connection to send on
   * @param local the router's node, to run the request on if it serves the shard; or null
   * @param attemptTimeout how long one attempt waits for a reply
   * @param closed the reason the router's owner is closed, or null while it is not
   * @param meters the router's meters, told of each retry and of the outcome
   * @param actorId the actor
   * @param shard the actor's shard
   * @param subject the actor's shard subject
   * @param payload the message body
   * @param timeout how long to keep trying, positive
   * @return the owner's reply, to come; it fails as {@link OwnerRequest} says
   */
  public static CompletableFuture<byte[]> start(Connection connection, @Nullable LocalRoute local,
      Duration attemptTimeout, Supplier<String> closed, RouterMeters meters, String actorId,
      int shard, String subject, byte[] payload, Duration timeout) {
    // One id for every attempt: the owner answers an attempt that arrives while an earlier one
    // still runs there (or was answered lately) with that one's reply instead of running it again.
    Message message = NatsMessage.builder().subject(subject)
        .headers(new Headers().add(RoutingProtocol.REQUEST_ID_HEADER, NUID.nextGlobal()))
        .data(payload).build();
    OwnerRequest request = new OwnerRequest(connection, local, attemptTimeout, closed, meters,
        actorId, shard, message, timeout);
    if (meters != RouterMeters.NONE) {
      // Only a caller's cancel completes the future from outside; every other end is recorded
      // before the future completes, so a caller woken by it finds its request counted.
      request.result.whenComplete((reply, error) -> request.record(outcome(error)));
    }
    request.send();
    return request.result;
  }

  /**
   * Returns the outcome tag of a request that ended with {@code error} (null: a reply).
   *
   * @param error how the request failed, or null
   * @return one of {@link RouterMeters}' outcomes
   */
  public static String outcome(@Nullable Throwable error) {
    if (error == null) {
      return RouterMeters.SUCCESS;
    }
    if (error instanceof ShardUnavailableException) {
      return RouterMeters.TIMEOUT;
    }
    if (error instanceof ActorRequestException) {
      return RouterMeters.HANDLER_ERROR;
    }
    return error instanceof CancellationException ? RouterMeters.CANCELLED : RouterMeters.CLOSED;
  }

  /**
   * Returns the failure of a request made while the router's owner is closed.
   *
   * @param actorId the actor
   * @param closedReason what is closed
   * @return the exception
   */
  public static IllegalStateException closedFailure(String actorId, String closedReason) {
    return new IllegalStateException("cannot send to actor '" + actorId + "': " + closedReason);
  }

  private void succeed(byte[] reply) {
    record(RouterMeters.SUCCESS);
    result.complete(reply);
  }

  private void fail(Throwable error) {
    record(outcome(error));
    result.completeExceptionally(error);
  }

  private void record(String outcome) {
    if (meters != RouterMeters.NONE && recorded.compareAndSet(false, true)) {
      meters.finished(outcome, System.nanoTime() - started);
    }
  }

  private void send() {
    long now = System.nanoTime();
    long remaining = deadline - now;
    if (remaining <= 0) {
      fail(timedOut());
      return;
    }
    if (connection.getStatus() == Connection.Status.CLOSED) {
      fail(
          new IllegalStateException("the NATS connection of the router is closed"));
      return;
    }
    String closedReason = closed.get();
    if (closedReason != null) {
      fail(closedFailure(actorId, closedReason));
      return;
    }
    if (result.isDone()) {
      return;
    }
    attempts++;
    if (local != null
        && local.tryRun(shard, actorId, message.getData(), deadline, localAnswer)) {
      return;
    }
    CompletableFuture<Message> reply;
    try {
      reply = connection.requestWithTimeout(message,
          Duration.ofNanos(Math.min(remaining, attemptTimeout.toNanos())));
    } catch (RuntimeException e) {
      last = "the request could not be sent: " + e;
      lastCause = e;
      retry(RouterMeters.SEND_FAILED);
      return;
    }
    CompletableFuture<Message> attempt = reply;
    reply.whenComplete((m, error) -> {
      if (error == null) {
        onReply(m);
        return;
      }
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      // jnats ends an attempt without a reply in time with a CancellationException too (unless
      // its connection uses timeout exceptions); only its future tells the two apart.
      boolean timedOut = cause instanceof TimeoutException
          || attempt instanceof NatsRequestCompletableFuture f && f.wasCancelledTimedOut();
      if (timedOut) {
        last = "the last attempt got no reply within " + attemptTimeout.toMillis() + " ms";
        retry(RouterMeters.NO_REPLY);
      } else if (cause instanceof CancellationException) {
        last = "no node subscribed to the shard's subject (no owner at that moment)";
        retry(RouterMeters.NO_RESPONDERS);
      } else {
        last = "the last attempt failed: " + cause;
        lastCause = cause;
        retry(RouterMeters.SEND_FAILED);
      }
    });
  }

  private void onReply(Message m) {
    Headers headers = m.getHeaders();
    String status = headers == null ? null : headers.getFirst(STATUS_HEADER);
    String node = headers == null ? null : headers.getFirst(NODE_HEADER);
    answered(status, m.getData(), headers == null ? null : headers.getFirst(ERROR_HEADER), node);
  }

  private void answered(@Nullable String status, byte @Nullable [] data, @Nullable String error,
      @Nullable String node) {
    if (STATUS_OK.equals(status)) {
      succeed(data == null ? new byte[0] : data);
    } else if (STATUS_FAILED.equals(status)) {
      fail(new ActorRequestException(actorId,
          node == null ? "?" : node, error == null ? "unknown error" : error));
    } else {
      last = "node " + (node == null ? "?" : node) + " answered that it does not own shard "
          + shard + " (any more)";
      retry(RouterMeters.MOVED);
    }
  }

  private void retry(String reason) {
    long backoff = Math.min(MAX_BACKOFF_NANOS, MIN_BACKOFF_NANOS << Math.min(attempts - 1, 5));
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      fail(timedOut());
      return;
    }
    meters.retried(reason);
    CompletableFuture.delayedExecutor(Math.min(backoff, remaining), TimeUnit.NANOSECONDS)
        .execute(this::send);
  }

  private ShardUnavailableException timedOut() {
    Duration waited = Duration.ofNanos(System.nanoTime() - started);
    return new ShardUnavailableException(actorId, shard, waited, "no owner of shard " + shard
        + " answered for actor '" + actorId + "' within " + waited.toMillis() + " ms ("
        + attempts + " attempt" + (attempts == 1 ? "" : "s") + "); " + last, lastCause);
  }
}
