package one.flowmade.aether.cluster.actor;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.cluster.ClusterRouter;
import one.flowmade.aether.cluster.ShardUnavailableException;
import one.flowmade.aether.cluster.internal.actor.Envelope;
import one.flowmade.aether.internal.BuilderSettings;
import org.jspecify.annotations.Nullable;

/**
 * Sends commands to hosted actors: each goes, through a {@link ClusterRouter}, to the node that
 * owns the actor's shard, which runs it and replies with the {@link CommandOutcome}. Works from
 * any process that can reach the cluster's NATS, member or not ({@code node.router()} or {@code
 * ClusterRouter.builder()}).
 *
 * <p>A node that does not run the command because it does not own the actor's shard (any more:
 * it is closing, or its lease ran out) answers "moved" and appends nothing; the client sends the
 * command again, with a backoff of 10 ms doubling to 250 ms, until a node runs it or the timeout
 * is over ({@link ShardUnavailableException}). So a graceful {@link
 * one.flowmade.aether.cluster.ClusterNode#close()} of an owner fails no command that has time
 * left.
 *
 * <p>Delivery is at least once (the router retries while shards move), so give commands that
 * must not apply twice a command id: a command sent again with the same id is applied at most
 * once and answered {@link CommandOutcome.Status#ALREADY_APPLIED}.
 *
 * <p>{@link #builder(ClusterRouter)} adds meters ({@link Builder#meterRegistry}) and tracing
 * ({@link Builder#openTelemetry}: the command carries the trace context of its {@code
 * aether.actor.send} span to the owner, whose {@code aether.actor.command} span is its child);
 * {@link #of(ClusterRouter)} is a client without them.
 *
 * <p>Thread-safe. {@code send} blocks up to the timeout; {@code sendAsync} returns at once.
 */
public final class ActorClient {

  private final ClusterRouter router;
  /** Null without a registry. */
  private final @Nullable ClientMeters meters;
  private final Tracing tracing;

  private ActorClient(ClusterRouter router, @Nullable ClientMeters meters, Tracing tracing) {
    this.router = router;
    this.meters = meters;
    this.tracing = tracing;
  }

  /**
   * Returns a client that sends through {@code router}, without meters.
   *
   * @param router the router
   * @return the client
   * @throws NullPointerException if {@code router} is null
   */
  public static ActorClient of(ClusterRouter router) {
    return new ActorClient(Objects.requireNonNull(router, "router"), null, Tracing.none());
  }

  /**
   * Returns a builder of a client that sends through {@code router}.
   *
   * @param router the router
   * @return the builder
   * @throws NullPointerException if {@code router} is null
   */
  public static Builder builder(ClusterRouter router) {
    return new Builder(Objects.requireNonNull(router, "router"));
  }

  /**
   * Sends a command without a command id, with the router's request timeout.
   *
   * @param type the actor type
   * @param actorId the actor
   * @param command the command
   * @param <E> the event type
   * @param <C> the command type
   * @return the outcome ({@link CommandOutcome.Status#REJECTED} when the handler refused it)
   * @throws IllegalArgumentException if the actor id is invalid or the command cannot be written
   *     as JSON with the type's mapper
   * @throws ActorBusyException if the owner's mailbox for the actor, or its bound, is full:
   *     nothing was done; retry later with a backoff
   * @throws HostedCommandException if the command failed on the owner (store unreachable,
   *     outcome unknown, shard lost): without a command id a retry may apply it twice, so send
   *     commands that must not apply twice with a command id and retry with the same id
   * @throws one.flowmade.aether.cluster.ShardUnavailableException if no owner ran the command in
   *     time: it may or may not have been applied; the same advice as above
   * @throws IllegalStateException if the router (or the node it belongs to) or its connection is
   *     closed: a programming or shutdown-order error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): the command may or may not have been applied; send it
   *     again with the same command id if the interrupt was not a stop
   */
  public <E, C> CommandOutcome<E> send(ActorType<E, C> type, String actorId, C command) {
    return send(type, actorId, command, null, router.requestTimeout());
  }

  /**
   * Sends a command, blocking until the outcome or the timeout.
   *
   * @param type the actor type
   * @param actorId the actor
   * @param command the command
   * @param commandId the command id (see {@link one.flowmade.aether.actor.CommandIds}), or null
   * @param timeout how long the whole command may take, routing included
   * @param <E> the event type
   * @param <C> the command type
   * @return the outcome: {@link CommandOutcome.Status#APPLIED}, {@link
   *     CommandOutcome.Status#ALREADY_APPLIED} (the command id ran before) or {@link
   *     CommandOutcome.Status#REJECTED} (the handler refused it; nothing appended)
   * @throws IllegalArgumentException if the actor id, the command id or the timeout is invalid,
   *     or the command cannot be written as JSON with the type's mapper
   * @throws ActorBusyException if the owner's mailbox for the actor, or its bound, is full:
   *     nothing was done; retry later with a backoff
   * @throws HostedCommandException if the command failed on the owner (store unreachable,
   *     outcome unknown, shard lost): send again with the same command id, which applies it at
   *     most once
   * @throws one.flowmade.aether.cluster.ShardUnavailableException if no owner ran the command
   *     within the timeout (nodes that answered "moved" appended nothing, but an owner that did
   *     not answer may have): send again with the same command id
   * @throws one.flowmade.aether.cluster.ActorRequestException if a node's message handler threw
   *     instead of replying (not an {@link ActorHost}'s handler): see its message
   * @throws IllegalStateException if the router (or the node it belongs to) or its connection is
   *     closed: a programming or shutdown-order error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): the command may or may not have been applied; send it
   *     again with the same command id if the interrupt was not a stop
   */
  public <E, C> CommandOutcome<E> send(ActorType<E, C> type, String actorId, C command,
      @Nullable String commandId, Duration timeout) {
    CompletableFuture<CommandOutcome<E>> outcome =
        sendAsync(type, actorId, command, commandId, timeout);
    try {
      return outcome.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AetherTransientException("interrupted while waiting for the outcome of the"
          + " command for actor '" + actorId + "'; it may or may not have been applied: send it"
          + " again with the same command id", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new CompletionException(e.getCause());
    }
  }

  /**
   * Sends a command without blocking; the future completes as {@link #send(ActorType, String,
   * Object, String, Duration)} returns or throws.
   *
   * @param type the actor type
   * @param actorId the actor
   * @param command the command
   * @param commandId the command id, or null
   * @param timeout how long the whole command may take
   * @param <E> the event type
   * @param <C> the command type
   * @return a future of the outcome; it completes exceptionally with what {@link
   *     #send(ActorType, String, Object, String, Duration)} throws (except the argument errors
   *     below, which are thrown at once), and what to do is the same
   * @throws IllegalArgumentException if the actor id or the timeout is invalid or the command
   *     cannot be written
   * @throws NullPointerException if the type, the command or the timeout is null
   */
  public <E, C> CompletableFuture<CommandOutcome<E>> sendAsync(ActorType<E, C> type,
      String actorId, C command, @Nullable String commandId, Duration timeout) {
    Objects.requireNonNull(type, "type");
    Limits.checkActorId(actorId);
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    JsonNode json = type.json().valueToTree(command);
    Tracing.Operation span = tracing.start(SEND_SPAN, Tracing.Kind.CLIENT, null)
        .attribute("aether.actor.type", type.name()).attribute("aether.actor.id", actorId);
    Attempts attempts = new Attempts(actorId, System.nanoTime() + timeout.toNanos(),
        span.inject(Metadata.empty()));
    CompletableFuture<CommandOutcome<E>> result = new CompletableFuture<>();
    // the caller's future completes after the span and the meters, so both are done when it sees
    // the outcome
    CompletableFuture<CommandOutcome<E>> observed = result.whenComplete((outcome, error) -> {
      if (meters != null) {
        meters.sent(type.name(), outcomeTag(outcome, error), System.nanoTime() - attempts.started);
      }
      if (error != null) {
        span.failed(error);
      } else {
        span.attribute("aether.command.outcome", outcome.status().name());
      }
      span.attribute("aether.command.resends", attempts.moved).end();
    });
    attempt(type, actorId, json, commandId, attempts, result);
    return observed;
  }

  /** The {@code outcome} tag of a send. */
  private static String outcomeTag(CommandOutcome<?> outcome, Throwable error) {
    if (error == null) {
      return outcome.status().name().toLowerCase(java.util.Locale.ROOT);
    }
    if (error instanceof ActorBusyException) {
      return "busy";
    }
    if (error instanceof HostedCommandException) {
      return "error";
    }
    return error instanceof ShardUnavailableException ? "timeout" : "failure";
  }

  /**
   * Sends once with the time left; a "moved" reply (the node does not own the actor's shard,
   * nothing appended) is sent again, after a short backoff, until the deadline.
   */
  private <E, C> void attempt(ActorType<E, C> type, String actorId, JsonNode json,
      @Nullable String commandId, Attempts attempts,
      CompletableFuture<CommandOutcome<E>> result) {
    long left = attempts.deadline - System.nanoTime();
    if (left <= 0) {
      result.completeExceptionally(attempts.timedOut(router.sharding().shardOf(actorId)));
      return;
    }
    Duration remaining = Duration.ofNanos(left);
    byte[] request = Envelope.request(type.name(), json, commandId,
        Math.max(1, remaining.toMillis()), attempts.trace);
    CompletableFuture<byte[]> sent;
    try {
      sent = router.requestAsync(actorId, request, remaining);
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
      return;
    }
    sent.whenComplete((bytes, error) -> {
      if (error != null) {
        result.completeExceptionally(error instanceof CompletionException c
            && c.getCause() != null ? c.getCause() : error);
        return;
      }
      try {
        Envelope.Reply reply = Envelope.reply(bytes);
        if (Envelope.MOVED.equals(reply.status())) {
          attempts.moved++;
          if (meters != null) {
            meters.resent(type.name());
          }
          attempts.last = "node '" + reply.node() + "' answered: " + reply.message();
          long backoff = Math.min(MAX_BACKOFF_NANOS,
              MIN_BACKOFF_NANOS << Math.min(attempts.moved - 1, 5));
          long wait = Math.min(backoff, Math.max(0, attempts.deadline - System.nanoTime()));
          CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS).execute(() ->
              attempt(type, actorId, json, commandId, attempts, result));
          return;
        }
        result.complete(outcome(type, actorId, reply));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    });
  }

  /** The span of one command's sends, with their resends. */
  static final String SEND_SPAN = "aether.actor.send";

  private static final long MIN_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

  /** The state of one command's sends. */
  private static final class Attempts {
    final String actorId;
    final long started = System.nanoTime();
    final long deadline;
    final Metadata trace;
    volatile int moved;
    volatile String last = "";

    Attempts(String actorId, long deadline, Metadata trace) {
      this.actorId = actorId;
      this.deadline = deadline;
      this.trace = trace;
    }

    ShardUnavailableException timedOut(int shard) {
      Duration waited = Duration.ofNanos(System.nanoTime() - started);
      return new ShardUnavailableException(actorId, shard, waited, "no owner of shard " + shard
          + " ran the command for actor '" + actorId + "' within " + waited.toMillis()
          + " ms (" + moved + " node(s) answered that they do not own it; nothing was appended"
          + " by them); last: " + last, null);
    }
  }

  private static <E, C> CommandOutcome<E> outcome(ActorType<E, C> type, String actorId,
      Envelope.Reply reply) {
    switch (reply.status()) {
      case "BUSY":
        throw new ActorBusyException("node '" + reply.node() + "' refused the command for actor '"
            + actorId + "': " + reply.message());
      case "ERROR":
        throw new HostedCommandException("the command for actor '" + actorId + "' failed on node '"
            + reply.node() + "': " + reply.message(), null);
      default:
        break;
    }
    CommandOutcome.Status status = CommandOutcome.Status.valueOf(reply.status());
    List<E> events = new ArrayList<>();
    for (Envelope.ReplyEvent event : reply.events()) {
      Object decoded = type.codec().decode(event.type(), Payload.of(
          event.data().getBytes(java.nio.charset.StandardCharsets.UTF_8), event.contentType()));
      events.add(type.eventClass().cast(decoded));
    }
    return new CommandOutcome<>(status, reply.version(), events, reply.message(), reply.node());
  }

  /** Builds an {@link ActorClient}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private final ClusterRouter router;
    private @Nullable MeterRegistry meterRegistry;
    private Tracing tracing = Tracing.none();

    private Builder(ClusterRouter router) {
      this.router = router;
    }

    /**
     * Registers the client's meters on {@code registry} (default: none, and no Micrometer class
     * loaded): {@code aether.actor.client.sends}, a timer by {@code type} and {@code outcome} =
     * {@code applied}, {@code already_applied}, {@code rejected}, {@code busy}, {@code error},
     * {@code timeout} ({@link ShardUnavailableException}), {@code failure} (anything else, such
     * as a closed router), from the call to the outcome; and {@code aether.actor.client.resends},
     * a counter by {@code type} of commands sent again after a "moved" reply. See {@code
     * docs/operations.md}. Micrometer is an optional dependency: add {@code micrometer-core} to
     * use this.
     *
     * @param registry the registry
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = BuilderSettings.once(this.meterRegistry, registry, "meterRegistry");
      return this;
    }

    /**
     * Traces each command with {@code openTelemetry} (default: not at all, and no OpenTelemetry
     * class loaded): a {@code aether.actor.send} span (kind client; its parent the caller's
     * current span) from the call to the outcome, resends included, whose W3C trace context
     * travels with the command to the owner. A host built with {@link
     * ActorHost.Builder#openTelemetry} runs the command in a child span and the events it appends
     * carry that span's context, so one trace shows send → command → append → every handler.
     * OpenTelemetry is an optional dependency: add {@code opentelemetry-api} to use this.
     *
     * @param openTelemetry the OpenTelemetry to record spans with
     * @return this builder
     * @throws NullPointerException if {@code openTelemetry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.tracing = BuilderSettings.tracing(this.tracing, openTelemetry);
      return this;
    }

    /**
     * Builds the client.
     *
     * @return the client
     */
    public ActorClient build() {
      return new ActorClient(router, meterRegistry == null ? null : new ClientMeters(meterRegistry),
          tracing);
    }
  }
}
