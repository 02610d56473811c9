package one.flowmade.aether.jetstream;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.jetstream.Failures.ServerError;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One append in progress: locates the actor's end (from the {@link ExpectationCache} or the
 * stream), publishes its messages with the expectation, reads the reply, retries transient
 * failures within the retry budget, and hands unclear outcomes to {@link AppendOutcome}. Its
 * futures complete once. Callbacks may run on NATS threads: they only decide and hand any
 * blocking or publishing work to a worker thread. Thread-safe.
 */
final class AppendOp {

  private static final Logger LOG = LoggerFactory.getLogger(AppendOp.class);

  private final Appender appender;
  private final StoreContext context;
  final String actorId;
  final String token;
  final String filter;
  final ExpectedVersion expected;
  private final AppendMessages messages;
  final CompletableFuture<AppendResult> done = new CompletableFuture<>();
  /** Completes as {@link #done} does, once the lane has been released. */
  final CompletableFuture<AppendResult> settled;
  /** The caller's deadline, or null when the caller gave none. */
  private final @Nullable Deadline callerDeadline;
  /** Whether this append is its actor's running one; guarded by its lane's map entry. */
  boolean holdsLane;
  private long deadline;
  private int retries;
  /** A publish was sent whose outcome is not known to be "not stored". */
  volatile boolean uncertain;
  /** The last failure an attempt met, or null while none has. */
  volatile @Nullable RuntimeException lastFailure;

  AppendOp(Appender appender, String actorId, ExpectedVersion expected,
      AppendMessages messages, @Nullable Deadline callerDeadline) {
    this.appender = appender;
    this.callerDeadline = callerDeadline;
    this.context = appender.context;
    this.actorId = actorId;
    this.token = SubjectLayout.actorToken(actorId);
    this.filter = SubjectLayout.actorEvents(context.namespace(), actorId);
    this.expected = expected;
    this.messages = messages;
    long started = context.metrics().start();
    settled = done.whenComplete((result, failure) -> {
      appender.finished(this);
      context.metrics().appended(started, messages.events().size(), failure);
    });
  }

  List<NewEvent> events() {
    return messages.events();
  }

  /**
   * Makes this append, while it still waits behind others of its actor, give up at the caller's
   * deadline (nothing was sent, so "nothing stored" is true). The running append is not cut
   * short: it stops retrying at the deadline and ends when its last request is answered or times
   * out, so that the actor never has two appends in flight.
   */
  void armDeadline(ActorLanes lanes) {
    if (callerDeadline == null || !callerDeadline.isBounded()) {
      return;
    }
    ScheduledFuture<?> timeout = context.at(callerDeadline.nanoTime(), () -> {
      if (lanes.removeIfWaiting(this)) {
        giveUp();
      }
    });
    done.whenComplete((result, failure) -> timeout.cancel(false));
  }

  void start() {
    if (done.isDone()) {
      return;
    }
    if (context.isClosed()) {
      done.completeExceptionally(context.closedException());
      return;
    }
    deadline = context.deadline(callerDeadline);
    locate(true);
  }

  // -- locate the actor's end

  void locate(boolean useCache) {
    if (stopped()) {
      return;
    }
    ActorEnd known = useCache ? appender.cache.get(token) : null;
    if (known != null) {
      onEnd(known, true);
      return;
    }
    appender.log.latestAsync(actorId).whenComplete((latest, failure) -> {
      if (failure != null) {
        retry(failure, () -> locate(false));
        return;
      }
      ActorEnd base = new ActorEnd(latest.sequence(), latest.version(), latest.last());
      appender.cache.remember(token, base);
      onEnd(base, false);
    });
  }

  void onEnd(ActorEnd base, boolean fromCache) {
    if (expected.matches(base.version())) {
      publish(base);
    } else if (fromCache) {
      locate(false);
    } else {
      onWorker(() -> appender.outcome.alreadyStoredOrConflict(this, base));
    }
  }

  // -- publish

  void publish(ActorEnd base) {
    if (stopped()) {
      return;
    }
    List<Message> messages = this.messages.messages(base);
    uncertain = true;
    // A deadline may give up concurrently: it reads uncertain after completing, this reads done
    // after setting uncertain (both volatile), so either it reports "outcome unknown" or nothing
    // is sent after it reported "nothing stored".
    if (done.isDone()) {
      return;
    }
    if (messages.size() == 1) {
      context.api().request(messages.get(0))
          .whenComplete((reply, failure) -> onReply(base, reply, failure));
      return;
    }
    // A batch is sent with one publish per message, which may block while the connection's
    // outgoing queue is full: never on the jnats thread that delivered the reply this append
    // reacts to (it delivers every reply of the connection), always on a worker.
    onWorker(() -> appender.gate.run(() -> {
      CompletableFuture<Message> commit;
      try {
        for (int i = 0; i < messages.size() - 1; i++) {
          context.api().publish(messages.get(i));
        }
        commit = context.api().request(messages.get(messages.size() - 1));
      } catch (RuntimeException e) {
        commit = CompletableFuture.failedFuture(e);
      }
      commit.whenComplete((reply, failure) -> {
        appender.gate.release();
        onReply(base, reply, failure);
      });
    }));
  }

  void onReply(ActorEnd base, Message reply, @Nullable Throwable failure) {
    if (failure != null) {
      retry(failure, () -> appender.outcome.resolve(this, base));
      return;
    }
    PublishAck ack;
    try {
      ack = new PublishAck(reply);
    } catch (JetStreamApiException e) {
      onServerError(base, new ServerError(e.getErrorCode(), e.getApiErrorCode(),
          e.getErrorDescription()));
      return;
    } catch (IOException | RuntimeException e) {
      retry(new Unreachable("unexpected answer to a publish: " + e.getMessage(), e, false),
          () -> appender.outcome.resolve(this, base));
      return;
    }
    if (!context.api().stream().equals(ack.getStream())) {
      uncertain = false;
      fail(new AetherNonTransientException("events of actor '" + actorId
          + "' were stored in stream '" + ack.getStream() + "' instead of '"
          + context.api().stream() + "': another stream captures the subject", null));
      return;
    }
    if (ack.isDuplicate()) {
      onWorker(() -> appender.outcome.fromDuplicate(this, base, ack.getSeqno()));
      return;
    }
    int n = events().size();
    if (n > 1 && ack.getBatchSize() != n) {
      onWorker(() -> appender.outcome.resolve(this, base));
      return;
    }
    long last = ack.getSeqno();
    ActorEnd now = new ActorEnd(last, base.version() + n, null);
    appender.cache.remember(token, now);
    succeed(new AppendResult(actorId, base.version() + 1, base.version() + n, last - n + 1,
        last));
  }

  void onServerError(ActorEnd base, ServerError error) {
    if (error.isConflict()) {
      lastFailure = error;
      onWorker(() -> appender.outcome.resolve(this, base));
    } else if (error.errCode() == JetStreamErrors.BATCH_DUPLICATE_MSG_ID) {
      lastFailure = error;
      onWorker(() -> appender.outcome.duplicateIds(this, base));
    } else if (error.isTransient()) {
      retry(error, () -> appender.outcome.resolve(this, base));
    } else if (uncertain && retries > 0) {
      lastFailure = error;
      giveUp();
    } else {
      uncertain = false;
      fail(new AetherNonTransientException("the server refused the append to actor '"
          + actorId + "': " + error.getMessage(), error));
    }
  }

  // -- completion

  void succeed(AppendResult result) {
    done.complete(result);
  }

  void fail(Throwable failure) {
    done.completeExceptionally(failure);
  }

  boolean stopped() {
    if (done.isDone()) {
      return true;
    }
    if (context.isClosed()) {
      giveUp();
      return true;
    }
    return false;
  }

  void retry(Throwable failure, Runnable next) {
    RuntimeException translated = Failures.translate(failure, context.connection(),
        context.api().timeout());
    if (translated instanceof AetherException || translated instanceof IllegalArgumentException
        || (translated instanceof IllegalStateException
            && !(translated instanceof Unreachable))) {
      fail(translated);
      return;
    }
    lastFailure = translated;
    boolean closed = translated instanceof Unreachable u && u.connectionClosed();
    if (closed || context.isClosed() || System.nanoTime() - deadline >= 0) {
      giveUp();
      return;
    }
    retries++;
    context.metrics().appendRetried();
    LOG.debug("append to actor '{}' retries after: {}", actorId, translated.getMessage());
    try {
      context.later(retries, next);
    } catch (RejectedExecutionException e) {
      giveUp();
    }
  }

  void giveUp() {
    if (done.isDone()) {
      return;
    }
    RuntimeException cause = lastFailure;
    boolean late = callerDeadline != null && callerDeadline.isExpired();
    String why = context.isClosed() ? "the store was closed"
        : late ? "the caller's deadline passed" + (cause == null ? "" : " (last failure: "
            + cause.getMessage() + ")")
        : cause == null ? "the retry budget was spent" : cause.getMessage();
    String what = "the append of " + events().size() + " event(s) to actor '" + actorId
        + "' (first id '" + events().get(0).id() + "')";
    if (uncertain) {
      fail(new AppendOutcomeUnknownException("could not find out whether " + what
          + " was stored: " + why + ". The events are stored exactly once or not at all;"
          + " retrying the same append with the same event ids is safe", cause));
    } else if (context.isClosed()) {
      fail(context.closedException());
    } else {
      fail(new StoreUnavailableException(what + " failed: " + why
          + "; nothing was stored", cause));
    }
  }

  void onWorker(Runnable task) {
    context.execute(task);
  }
}
