package one.flowmade.aether.jetstream;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import org.jspecify.annotations.Nullable;

/**
 * Appends events: optimistic concurrency with {@code Nats-Expected-Last-Subject-Sequence} on the
 * actor's subjects, one message per event, several events as one atomic batch (ADR-50), and the
 * handling of unknown outcomes. The concerns live in their own classes: {@link AppendMessages}
 * (checking events and encoding headers), {@link ActorLanes} (one append per actor at a time),
 * {@link ExpectationCache} (the actors' last known ends), {@link AppendOp} (one append's
 * publish and retries), {@link AppendOutcome} (resolving unknown outcomes) and {@link BatchGate}
 * (batches in flight).
 *
 * <p>Appends to one actor run one at a time in call order (a replicated stream rejects a second
 * expected-sequence write to a subject while one is in flight); appends to different actors are
 * pipelined on the connection. Every publish carries an expectation (also for {@link
 * ExpectedVersion#any()}, whose version is read first), so a message can be stored only in the
 * place the store computed its version for: a retry of an append whose outcome is unknown can
 * never store it twice. When the outcome is unknown (timeout, no responders during an election,
 * reconnect) the store reads back the message after the expected sequence from the stream
 * leader and decides; see {@code docs/jetstream-store.md}. Thread-safe.
 */
final class Appender {

  /** Batches in flight per store; the server allows 50 per stream. */
  private static final int MAX_BATCHES_IN_FLIGHT = 24;

  final StoreContext context;
  final EventLog log;
  final ExpectationCache cache = new ExpectationCache();
  final AppendOutcome outcome;
  final BatchGate gate;
  private final Namespace namespace;
  private final long maxPayload;
  private final Executor executor;
  private final ActorLanes lanes;
  private final Set<AppendOp> active = ConcurrentHashMap.newKeySet();

  Appender(StoreContext context, EventLog log, long maxPayload, Duration duplicateWindow) {
    this.context = context;
    this.log = log;
    this.namespace = context.namespace();
    this.maxPayload = maxPayload;
    this.executor = context::execute;
    this.gate = new BatchGate(MAX_BATCHES_IN_FLIGHT, executor);
    this.lanes = new ActorLanes(executor);
    this.outcome = new AppendOutcome(context, log, duplicateWindow);
  }

  CompletableFuture<AppendResult> append(String actorId, ExpectedVersion expected,
      List<NewEvent> events) {
    return start(actorId, expected, events).whenCompleteAsync((result, failure) -> { }, executor);
  }

  /**
   * Starts an append for a caller that blocks until it completes. Unlike {@link #append}, the
   * future may complete on a NATS thread: nobody runs code on it, so the hop to a worker thread
   * that keeps {@code appendAsync} callers' callbacks off NATS threads would only add a thread
   * wake-up to every blocking append. It completes after the actor's lane has been released.
   */
  CompletableFuture<AppendResult> start(String actorId, ExpectedVersion expected,
      List<NewEvent> events) {
    return start(actorId, expected, events, null);
  }

  /**
   * Starts an append that gives up at the caller's deadline if that comes before the end of the
   * retry budget ({@code null}: the budget only), also while it waits behind other appends to
   * the actor.
   */
  CompletableFuture<AppendResult> start(String actorId, ExpectedVersion expected,
      List<NewEvent> events, @Nullable Deadline callerDeadline) {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(expected, "expected");
    AppendMessages messages = AppendMessages.validate(namespace, actorId, events, maxPayload);
    context.checkOpen();
    AppendOp op = new AppendOp(this, actorId, expected, messages, callerDeadline);
    active.add(op);
    lanes.enqueue(op);
    op.armDeadline(lanes);
    return op.settled;
  }

  /** Fails every append in progress; called when the store closes. */
  void abortAll() {
    for (AppendOp op : List.copyOf(active)) {
      op.giveUp();
    }
  }

  /** An append completed: frees its actor's lane. */
  void finished(AppendOp op) {
    active.remove(op);
    lanes.finished(op);
  }
}
