package one.flowmade.aether.jetstream;

import static one.flowmade.aether.internal.BuilderSettings.checkUnset;
import static one.flowmade.aether.internal.BuilderSettings.positive;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.Health;
import one.flowmade.aether.HealthCheck;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Position;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.UnsupportedServerException;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.internal.AetherStreams;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventStore} on NATS JetStream: one stream per namespace ({@code AETHER_<namespace>},
 * subjects {@code aether.ev.<namespace>.>}), each event one message on {@code
 * aether.ev.<namespace>.<actor>.<type>} in CloudEvents binary mode, so any NATS client can read
 * it. The stream republishes every event it stores to {@code aether.bus.<namespace>.…}, where
 * NATS-bus subscribers receive it without a second publish.
 *
 * <pre>{@code
 * try (Connection nc = Nats.connect("nats://localhost:4222");
 *     JetStreamEventStore events = JetStreamEventStore.builder(nc, Namespace.of("orders"))
 *         .replicas(3)
 *         .build()) {
 *   AppendResult r = events.append("order-1", ExpectedVersion.noStream(),
 *       NewEvent.of("OrderPlaced", Payload.json("{\"total\":42}")));
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> Appends are checked against the actor's last message with {@code
 * Nats-Expected-Last-Subject-Sequence}; several events are published as one atomic batch
 * (all or none). Appends to one actor run one at a time in call order; appends to different
 * actors are pipelined on the connection. A timeout, a reconnect or a stream-leader election
 * never stores events twice and never reports success for events that were not stored: the store
 * retries within its {@link RetryBudget}, reads back what happened when the outcome is unknown,
 * and throws {@link AppendOutcomeUnknownException} only if it still cannot tell. Every read asks
 * the stream leader where the data ends, so an acknowledged append is visible to reads that start
 * afterwards, also on replicated streams. Messages that cannot be decoded are reported and
 * skipped.
 *
 * <p><b>Threads.</b> Thread-safe. Blocking methods block the caller until the server answers or
 * the retry budget is spent; {@link #appendAsync} returns at once. The store runs named daemon
 * threads ({@code aether-event-store-<namespace>-…}) and one thread per subscription ({@code
 * aether-sub-<namespace>-…}); {@link #close()} stops them. The caller's {@link Connection} is
 * never closed by the store.
 *
 * <p><b>Errors.</b> Invalid arguments throw {@link IllegalArgumentException} (payloads larger
 * than the server's max payload included, naming the sizes); version mismatches {@link
 * one.flowmade.aether.VersionConflictException}; an unreachable server {@link
 * StoreUnavailableException}; an append whose outcome stays unknown {@link
 * AppendOutcomeUnknownException}; a subject the NATS user may not use {@link
 * PermissionDeniedException}; a request the server refuses for good {@link
 * one.flowmade.aether.AetherNonTransientException}; an interrupted wait {@link
 * AetherTransientException} ({@link AppendOutcomeUnknownException} for an append), with the
 * interrupt flag set again; use after {@link #close()} {@link IllegalStateException}. Each
 * method's {@code @throws} say what to do.
 */
public final class JetStreamEventStore implements EventStore, HealthCheck {

  private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

  /** The default of {@link Builder#healthLagThreshold(long)}: 10,000 events. */
  public static final long DEFAULT_HEALTH_LAG_THRESHOLD = 10_000;

  private final Namespace namespace;
  private final String streamName;
  private final StoreContext context;
  private final EventLog log;
  private final Appender appender;
  private final Set<StoreSubscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Map<String, Object> openDurables = new ConcurrentHashMap<>();
  private final AtomicInteger subscriptionCount = new AtomicInteger();
  /** Subscriptions that stopped on a failure, by thread name, until one of that name opens. */
  private final Map<String, String> failedSubscriptions = new ConcurrentHashMap<>();
  private final long healthLagThreshold;
  private final int expectedReplicas;

  private JetStreamEventStore(Builder settings, StreamInfo info) {
    this.healthLagThreshold = settings.healthLagThreshold;
    this.expectedReplicas = info.getConfiguration().getReplicas();
    this.namespace = settings.namespace;
    this.streamName = info.getConfiguration().getName();
    this.context = settings.context("event store", info);
    this.log = new EventLog(context, info.getConfiguration().getAllowDirect());
    this.appender = new Appender(context, log, settings.maxPayload(info),
        info.getConfiguration().getDuplicateWindow());
  }

  /**
   * Returns a builder for the store of a namespace.
   *
   * @param connection a connected jnats connection; the store uses it but never closes it
   * @param namespace the namespace
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(Connection connection, Namespace namespace) {
    return new Builder(connection, namespace);
  }

  @Override
  public Namespace namespace() {
    return namespace;
  }

  /**
   * Checks, in one call bounded by the request timeout (2 s by default), that the store can do
   * its work: the store is open; the connection is {@code CONNECTED} (when it is not, no request
   * is sent); the namespace's stream exists, has a leader and its replicas; no subscription of
   * this store stopped on a failure; and every open subscription lags the stream's last event
   * by at most the {@linkplain Builder#healthLagThreshold threshold}. Details: {@code
   * connection}, {@code stream}, {@code stream.leader}, {@code stream.replicas}, {@code
   * stream.lastPosition}, {@code subscription.<durable name, or thread name>.lag} and, when down, {@code reason}.
   *
   * <p>Thread-safe; never throws for an unhealthy store.
   *
   * @return {@code UP}, or {@code DOWN} with the first problem found as its reason
   */
  @Override
  public Health health() {
    Map<String, String> details = new LinkedHashMap<>();
    if (context.isClosed()) {
      return Health.down("the store is closed", details);
    }
    Connection connection = context.api().connection();
    Connection.Status status = connection.getStatus();
    details.put("connection", String.valueOf(status));
    if (status != Connection.Status.CONNECTED) {
      return Health.down("not connected to NATS (" + status + ")", details);
    }
    details.put("stream", streamName);
    StreamInfo info;
    try {
      info = connection.jetStreamManagement(JetStreamOptions.builder()
          .requestTimeout(context.api().timeout()).build()).getStreamInfo(streamName);
    } catch (JetStreamApiException e) {
      return Health.down("stream " + streamName + " is not available: " + e.getMessage(),
          details);
    } catch (IOException | RuntimeException e) {
      return Health.down("no answer about stream " + streamName + ": " + e, details);
    }
    ClusterInfo cluster = info.getClusterInfo();
    String leader = cluster == null ? null : cluster.getLeader();
    int replicas = info.getConfiguration().getReplicas();
    long last = info.getStreamState().getLastSequence();
    details.put("stream.leader", leader == null ? "none" : leader);
    details.put("stream.replicas", Integer.toString(replicas));
    details.put("stream.lastPosition", Long.toString(last));
    String problem = null;
    if (cluster != null && leader == null) {
      problem = "stream " + streamName + " has no leader";
    } else if (replicas < expectedReplicas) {
      problem = "stream " + streamName + " has " + replicas + " replica(s), " + expectedReplicas
          + " expected";
    } else if (!failedSubscriptions.isEmpty()) {
      problem = "subscription stopped on a failure: " + failedSubscriptions.values().iterator()
          .next();
    }
    for (StoreSubscription subscription : subscriptions) {
      long lag = Math.max(0, last - subscription.handledPosition());
      details.put("subscription." + subscription.label() + ".lag", Long.toString(lag));
      if (problem == null && lag > healthLagThreshold) {
        problem = "subscription " + subscription.label() + " lags " + lag + " events (threshold "
            + healthLagThreshold + ")";
      }
    }
    return problem == null ? Health.up(details) : Health.down(problem, details);
  }

  /**
   * Returns the name of the namespace's stream.
   *
   * @return {@code AETHER_<namespace>}
   */
  public String streamName() {
    return streamName;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Blocks until the server acknowledged the events, refused them, or the retry budget is
   * spent.
   *
   * @throws AppendOutcomeUnknownException if the store could not find out, within its retry
   *     budget, whether the events were stored; they are stored exactly once or not at all, and
   *     the same append (same event ids, same expectation) can be retried safely
   * @throws IllegalArgumentException if the actor id or the events are invalid, an event is
   *     larger than the server accepts, or an event id is already used by another event of the
   *     namespace (nothing stored): fix the call
   * @throws one.flowmade.aether.VersionConflictException if the actor's version does not match
   *     {@code expected}: nothing stored; reload the actor, decide again and append with the new
   *     version
   * @throws StoreUnavailableException if the store could not be reached and nothing was stored:
   *     retry later
   * @throws PermissionDeniedException if the store's NATS user may not publish to the actor's
   *     subject: a deployment error, retrying does not help
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the append for
   *     good (the message says why): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
    return awaitAppend(actorId, traced(actorId, events,
        traced -> appender.start(actorId, expected, traced)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Gives up at the deadline if that comes before the end of the retry budget: an append still
   * waiting behind another append to the actor fails with {@link StoreUnavailableException} at
   * once; the running one sends no further attempt and fails when its last request is answered
   * or times out (the request timeout, 2 seconds by default, after the deadline at worst), with
   * {@link AppendOutcomeUnknownException} if a publish was sent whose outcome is not known.
   * @throws one.flowmade.aether.VersionConflictException if the actor's version does not match
   *     {@code expected}
   * @throws StoreUnavailableException if the deadline passed before anything was sent: nothing was
   *     stored
   * @throws AppendOutcomeUnknownException if the deadline passed while the outcome was open; the
   *     same append (same event ids) is safe to retry
   * @throws IllegalArgumentException if the actor id or the events are invalid: fix the call
   * @throws PermissionDeniedException if the store's NATS user may not publish to the actor's
   *     subject: a deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events,
      Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    return awaitAppend(actorId, traced(actorId, events,
        traced -> appender.start(actorId, expected, traced, deadline)));
  }

  /**
   * Runs an append in a span {@code aether.append} and writes the span's trace context into the
   * events that carry none, so that every handler of them joins the trace. The returned future
   * completes, as the append's did, after the span ended.
   */
  private CompletableFuture<AppendResult> traced(String actorId, List<NewEvent> events,
      Function<List<NewEvent>, CompletableFuture<AppendResult>> append) {
    Tracing tracing = context.tracing();
    if (tracing == Tracing.none() || events == null || events.isEmpty()) {
      return append.apply(events);
    }
    List<NewEvent> traced = new ArrayList<>(events.size());
    for (NewEvent event : events) {
      if (event == null) {
        return append.apply(events); // the append rejects it with its own message
      }
      traced.add(event);
    }
    Tracing.Operation span = tracing.start("aether.append", Tracing.Kind.PRODUCER,
        traced.get(0).metadata())
        .attribute("aether.namespace", namespace.name())
        .attribute("aether.actor.id", actorId)
        .attribute("aether.event.count", traced.size());
    traced.replaceAll(event -> event.withMetadata(span.inject(event.metadata())));
    CompletableFuture<AppendResult> started;
    try {
      started = append.apply(traced);
    } catch (RuntimeException | Error e) {
      span.failed(e).end();
      throw e;
    }
    CompletableFuture<AppendResult> done = new CompletableFuture<>();
    started.whenComplete((result, failure) -> {
      if (failure == null) {
        span.attribute("aether.position", result.lastPosition())
            .attribute("aether.actor.version", result.lastVersion()).end();
        done.complete(result);
      } else {
        span.failed(Failures.unwrap(failure)).end();
        done.completeExceptionally(failure);
      }
    });
    return done;
  }

  private AppendResult awaitAppend(String actorId, CompletableFuture<AppendResult> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AppendOutcomeUnknownException("interrupted while appending to actor '" + actorId
          + "'; the append goes on in the background and stores the events at most once", e);
    } catch (ExecutionException e) {
      Throwable cause = Failures.unwrap(e);
      if (cause instanceof AetherException
          || cause instanceof IllegalArgumentException
          || cause instanceof IllegalStateException) {
        throw (RuntimeException) cause;
      }
      throw new AetherTransientException("append to actor '" + actorId + "' failed: " + cause,
          cause);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Returns at once; the future completes on one of the store's threads with what {@link
   * #append(String, ExpectedVersion, List)} would return or throw.
   *
   * @throws IllegalStateException if the store is closed
   * @throws IllegalArgumentException if the actor id or the events are invalid
   */
  @Override
  public CompletableFuture<AppendResult> appendAsync(String actorId, ExpectedVersion expected,
      List<NewEvent> events) {
    return traced(actorId, events, traced -> appender.append(actorId, expected, traced));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One request to the stream leader: the last message on the actor's subjects.
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the request for
   *     good (the message names its error): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public long latestVersion(String actorId) {
    Limits.checkActorId(actorId);
    context.checkOpen();
    StoreMetrics metrics = context.metrics();
    long start = metrics.start();
    try {
      long version = log.latest(actorId).version();
      metrics.read("latest", start, 0, null);
      return version;
    } catch (RuntimeException e) {
      metrics.read("latest", start, 0, e);
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Asks the stream leader where the actor ends and reads up to there with batched direct
   * gets; when more than 2,048 events remain after a batch, the
   * rest comes from a short-lived pull consumer created for the read and deleted when it ends
   * (falling back to direct gets if the consumer fails or stays quiet). Streams created before
   * direct gets were used: leader gets for short ranges, an ordered consumer for longer ones.
   * Reading from version 1 needs no lookup; from a later version without a position hint the
   * first event is found with O(log n) leader gets.
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the request for
   *     good (the message names its error): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public ReadResult read(String actorId, long fromVersion, int limit) {
    return read(actorId, fromVersion, limit, 0);
  }

  /**
   * {@inheritDoc}
   *
   * <p>With an exact hint (the position of the event before {@code fromVersion}, as a snapshot
   * carries) the first event is found with one request instead of the O(log n) search.
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the request for
   *     good (the message names its error): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public ReadResult read(String actorId, long fromVersion, int limit, long afterPosition) {
    Limits.checkActorId(actorId);
    if (fromVersion < 1) {
      throw new IllegalArgumentException("fromVersion must be at least 1, was " + fromVersion);
    }
    checkLimit(limit);
    if (afterPosition < 0) {
      throw new IllegalArgumentException("afterPosition must not be negative, was "
          + afterPosition);
    }
    context.checkOpen();
    StoreMetrics metrics = context.metrics();
    long start = metrics.start();
    Tracing.Operation span = context.tracing().start("aether.read", Tracing.Kind.CLIENT, null)
        .attribute("aether.namespace", namespace.name())
        .attribute("aether.actor.id", actorId)
        .attribute("aether.actor.from_version", fromVersion);
    try {
      ReadResult result = log.read(actorId, fromVersion, limit, afterPosition);
      metrics.read("actor", start, result.events().size(), null);
      span.attribute("aether.event.count", result.events().size());
      return result;
    } catch (RuntimeException e) {
      metrics.read("actor", start, 0, e);
      span.failed(e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Every request and retry of the read stops at the deadline if that comes before the end of
   * the retry budget.
   * @throws StoreUnavailableException if the deadline passed first, or the store could not be
   *     reached before it: nothing changed; retry later
   * @throws IllegalArgumentException if an argument is out of range: fix the call
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public ReadResult read(String actorId, long fromVersion, int limit, long afterPosition,
      Deadline deadline) {
    Objects.requireNonNull(deadline, "deadline");
    return context.within(deadline, () -> read(actorId, fromVersion, limit, afterPosition));
  }

  /** Events per batched direct get of a {@link #readStream} after the first batch. */
  static final int STREAM_BATCH = 512;

  /**
   * {@inheritDoc}
   *
   * <p>On a stream that allows direct gets (every stream this store creates) the events come in
   * batched direct gets of {@value #STREAM_BATCH} events, the next batch requested while the
   * caller works through the current one, so the stream holds at most two batches; the end of the
   * stream is the actor's last message as the stream leader reported it when the stream opened.
   * The leader's get and the first batch are sent at once, without blocking. When more than
   * 2,048 events remain after a batch, the rest comes from a
   * short-lived pull consumer (pulls of {@value #STREAM_BATCH}, at most two unread), deleted when
   * the stream ends or is closed; shorter reads create no consumer. On an older stream without {@code allow_direct} the default paging applies (each
   * page one leader lookup and one short-lived ordered consumer, deleted before the page returns).
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public EventStream readStream(String actorId, long fromVersion, long afterPosition,
      Deadline deadline) {
    if (!log.direct()) {
      return EventStore.super.readStream(actorId, fromVersion, afterPosition, deadline);
    }
    Limits.checkActorRead(actorId, fromVersion, afterPosition);
    Objects.requireNonNull(deadline, "deadline");
    context.checkOpen();
    return new DirectEventStream(context, log.cursor(actorId, fromVersion, afterPosition,
        Integer.MAX_VALUE, STREAM_BATCH), actorId, fromVersion, deadline);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Asks the stream leader for the namespace's last position, then reads up to it with leader
   * gets (up to 32 events) or an ordered consumer.
   * @throws IllegalArgumentException if {@code limit} is less than 1: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     retry later from the same position
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the request for
   *     good (the message names its error): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public ReadResult readAll(Position from, int limit) {
    Objects.requireNonNull(from, "from");
    checkLimit(limit);
    context.checkOpen();
    StoreMetrics metrics = context.metrics();
    long start = metrics.start();
    try {
      ReadResult result = log.readAll(from, limit);
      metrics.read("all", start, result.events().size(), null);
      return result;
    } catch (RuntimeException e) {
      metrics.read("all", start, 0, e);
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>One request to the stream leader: the last message on the namespace's subjects.
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the request for
   *     good (the message names its error): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public long lastPosition() {
    context.checkOpen();
    StoreMetrics metrics = context.metrics();
    long start = metrics.start();
    try {
      long position = log.lastPosition();
      metrics.read("last-position", start, 0, null);
      return position;
    } catch (RuntimeException e) {
      metrics.read("last-position", start, 0, e);
      throw e;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>An ephemeral subscription reads with an ordered consumer; a durable one with a durable
   * consumer named {@code aether-sub-<name>} on the namespace's stream, acknowledging each event
   * after the handler returned, so it delivers at least once and resumes after the last handled
   * event, also in another process. Event type filters are filter subjects: the server filters.
   * Open a durable name in one process at a time. An existing consumer of that name (made by an
   * earlier run, or ahead of time by the namespace's provisioning role with aether-admin's
   * {@code Provisioner.Builder.durable}) is adopted and resumes where it is; a missing one is
   * created at {@link SubscriptionOptions#from()}; one whose filters or acks differ is updated
   * in place.
   *
   * @throws StoreUnavailableException if the consumer cannot be created within the retry budget
   * @throws IllegalStateException if a durable subscription of that name is already open (close it
   *     first, or in another process: wait until that one stops), or the store is closed
   * @throws PermissionDeniedException if the store's NATS user may not create or read the
   *     subscription's consumer: a deployment error, retrying does not help. For a durable that
   *     is missing or differs, the message says the provisioning role must create it and names
   *     the {@code aether-admin provision --durable} command; nothing was deleted
   */
  @Override
  public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    context.checkOpen();
    String durable = options.durableName().orElse(null);
    Object reservation = new Object();
    if (durable != null && openDurables.putIfAbsent(durable, reservation) != null) {
      throw new IllegalStateException("a durable subscription named '" + durable
          + "' is already open on this store");
    }
    String threadName = "aether-sub-" + namespace.name() + "-"
        + (durable != null ? durable : "ephemeral-" + subscriptionCount.incrementAndGet());
    StoreSubscription subscription;
    try {
      subscription = new StoreSubscription(context, log, options, handler, threadName,
          ended -> {
            subscriptions.remove(ended);
            ended.failure().ifPresent(failure -> failedSubscriptions.put(threadName,
                ended.label() + ": " + failure));
            if (durable != null) {
              openDurables.remove(durable, ended);
            }
          });
    } catch (RuntimeException e) {
      if (durable != null) {
        openDurables.remove(durable, reservation);
      }
      throw e;
    }
    if (durable != null) {
      openDurables.replace(durable, reservation, subscription);
    }
    subscriptions.add(subscription);
    failedSubscriptions.remove(threadName);
    subscription.start();
    if (context.isClosed()) {
      subscription.close();
    }
    return subscription;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Closes the subscriptions, fails appends still in progress ({@link
   * AppendOutcomeUnknownException} if a publish was already sent, {@link IllegalStateException}
   * otherwise) and stops the store's threads, waiting up to 5 seconds for work in progress.
   */
  @Override
  public void close() {
    if (!context.markClosed()) {
      return;
    }
    for (StoreSubscription subscription : List.copyOf(subscriptions)) {
      subscription.close();
    }
    appender.abortAll();
    log.close();
    context.shutdown(CLOSE_GRACE);
  }

  @Override
  public String toString() {
    return "JetStreamEventStore[" + streamName + "]";
  }

  private static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  /**
   * Builds a {@link JetStreamEventStore}. Settings left unset keep an existing stream's value and
   * give a new stream the default. Not thread-safe; each input is checked when set, and each
   * setting may be set once.
   */
  public static final class Builder extends StoreBuilder<Builder> {
    private @Nullable Duration maxAge;
    private @Nullable DataSize maxBytes;
    private @Nullable Long maxMessages;
    private @Nullable Duration duplicateWindow;
    private long healthLagThreshold = DEFAULT_HEALTH_LAG_THRESHOLD;

    private Builder(Connection connection, Namespace namespace) {
      super(connection, namespace);
    }

    @Override
    Builder self() {
      return this;
    }

    /**
     * Sets how long events are kept (default: forever). Older events are deleted by the server,
     * whole actors' histories included: use it only where events may expire.
     *
     * @param maxAge the age, zero for unlimited
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.isNegative()) {
        throw new IllegalArgumentException("maxAge must not be negative, was " + maxAge);
      }
      checkUnset(this.maxAge, "maxAge");
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Sets the most bytes the stream keeps (default: unlimited); the oldest events are deleted
     * beyond it.
     *
     * @param maxBytes the size, at least 1 byte
     * @return this builder
     * @throws IllegalArgumentException if zero
     * @throws IllegalStateException if already set
     */
    public Builder maxBytes(DataSize maxBytes) {
      Objects.requireNonNull(maxBytes, "maxBytes");
      if (maxBytes.bytes() < 1) {
        throw new IllegalArgumentException("maxBytes must be at least 1 byte");
      }
      checkUnset(this.maxBytes, "maxBytes");
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Sets the most events the stream keeps (default: unlimited); the oldest are deleted beyond
     * it.
     *
     * @param maxMessages at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     * @throws IllegalStateException if already set
     */
    public Builder maxMessages(long maxMessages) {
      if (maxMessages < 1) {
        throw new IllegalArgumentException("maxMessages must be at least 1, was " + maxMessages);
      }
      checkUnset(this.maxMessages, "maxMessages");
      this.maxMessages = maxMessages;
      return this;
    }

    /**
     * Sets the stream's duplicate window (default 2 minutes): within it the server recognises a
     * message id ({@code Nats-Msg-Id} = event id) it stored before. Appends are protected from
     * double storage by their expectation in any case; the window additionally lets a retried
     * {@link ExpectedVersion#any()} append return the original result.
     *
     * @param window a positive duration
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder duplicateWindow(Duration window) {
      this.duplicateWindow = positive(this.duplicateWindow, window, "duplicateWindow");
      return this;
    }

    /**
     * Records the store's metrics in a Micrometer registry (default: none, and no cost): appends
     * by outcome with their latency and batch size, retries, reads and events read, and each
     * subscription's position and lag, tagged with the namespace (never an actor id). The names
     * are listed in {@code docs/operations.md}. Micrometer is an optional dependency: add {@code
     * micrometer-core} to use this.
     *
     * @param registry the registry
     * @return this builder
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      Objects.requireNonNull(registry, "registry");
      setMeterRegistry(registry);
      return this;
    }

    /**
     * Sets how many events a subscription of this store may lag behind the stream's last event
     * before {@link JetStreamEventStore#health()} reports the store down (default {@value
     * JetStreamEventStore#DEFAULT_HEALTH_LAG_THRESHOLD}). A subscription catching up from the
     * beginning lags by the whole stream until it is live.
     *
     * @param events at least 0
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder healthLagThreshold(long events) {
      if (events < 0) {
        throw new IllegalArgumentException("healthLagThreshold must not be negative, was "
            + events);
      }
      this.healthLagThreshold = events;
      return this;
    }

    /**
     * Traces the store with OpenTelemetry (default: nothing traced, and no OpenTelemetry class
     * loaded). Each append records a span {@code aether.append} (a child of the caller's current
     * span, or of the first event's {@code traceparent} when none is current) and writes its
     * trace context into every event that has no {@code traceparent} yet: the CloudEvents
     * distributed-tracing extension, stored as the {@code ce-traceparent} and {@code
     * ce-tracestate} headers. Each read of an actor records a span {@code aether.read}; each
     * event a subscription's handler processes, a span {@code aether.handle} whose parent is the
     * event's {@code traceparent}, current while the handler runs. The OpenTelemetry API is an
     * optional dependency: add {@code opentelemetry-api} to use this.
     *
     * @param openTelemetry the OpenTelemetry to record spans with
     * @return this builder
     * @throws NullPointerException if {@code openTelemetry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      setOpenTelemetry(openTelemetry);
      return this;
    }

    /**
     * Checks the server and creates the namespace's stream, or adopts it if it exists; blocks.
     *
     * @return the store
     * @throws UnsupportedServerException if the server is older than 2.12 or has no JetStream
     * @throws IncompatibleStreamException if the stream exists with a configuration the store
     *     cannot use or that differs from a setting made on this builder
     * @throws StoreUnavailableException if the server does not answer within the retry budget,
     *     or the thread is interrupted while waiting to retry (the interrupt flag is set again):
     *     nothing is lost; build again later
     * @throws PermissionDeniedException at once if the connection's NATS user may not use the
     *     namespace's stream
     * @throws one.flowmade.aether.UnsafeStreamException if the stream exists with a configuration
     *     that could leak or forge data (sources, mirror, a foreign republish, subject transforms,
     *     other subjects): nothing changed; find out who changed the stream and restore it
     *     (docs/operations.md, Provisioning)
     * @throws one.flowmade.aether.AetherNonTransientException if the server refused to create or
     *     update the stream for good (the message names its error, for example a stream limit of
     *     the account): fix the account or the builder
     * @throws IllegalStateException if the connection has no server information (it is not
     *     connected): connect first
     */
    public JetStreamEventStore build() {
      Namespace namespace = this.namespace;
      StreamSetup.Spec spec = new StreamSetup.Spec(AetherStreams.events(namespace),
          "the event store of namespace '" + namespace + "'", replicasSet(), storageSet(), maxAge,
          maxBytes, maxMessages, duplicateWindow);
      StreamInfo info = openStream("Aether's JetStream event store",
          "multi-event appends would break: they need atomic batch publish (ADR-50,"
              + " allow_atomic), which older servers ignore, so an append could be stored in"
              + " part or interleaved with another writer's", spec);
      return new JetStreamEventStore(this, info);
    }
  }
}
