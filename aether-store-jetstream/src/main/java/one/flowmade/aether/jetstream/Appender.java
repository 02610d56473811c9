package one.flowmade.aether.jetstream;

import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.jetstream.EventLog.Found;
import one.flowmade.aether.jetstream.EventLog.Latest;
import one.flowmade.aether.jetstream.Failures.ServerError;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends events: optimistic concurrency with {@code Nats-Expected-Last-Subject-Sequence} on the
 * actor's subjects, one message per event, several events as one atomic batch (ADR-50), and the
 * handling of unknown outcomes.
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

  private static final Logger LOG = LoggerFactory.getLogger(Appender.class);

  static final String EXPECTED_SEQ = "Nats-Expected-Last-Subject-Sequence";
  static final String EXPECTED_SEQ_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject";
  static final String BATCH_ID = "Nats-Batch-Id";
  static final String BATCH_SEQUENCE = "Nats-Batch-Sequence";
  static final String BATCH_COMMIT = "Nats-Batch-Commit";
  private static final String BATCH_COMMIT_VALUE = "1";
  /** The length of a random UUID's string form, the batch id. */
  private static final int UUID_LENGTH = 36;
  /** Batches in flight per store; the server allows 50 per stream. */
  private static final int MAX_BATCHES_IN_FLIGHT = 24;
  private static final int CACHE_LIMIT = 65_536;
  private static final Duration CLOCK_SKEW_MARGIN = Duration.ofSeconds(30);

  private final StoreContext context;
  private final EventLog log;
  private final Namespace namespace;
  private final long maxPayload;
  private final Duration duplicateWindow;
  private final Executor executor;
  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
  private final Set<AppendOp> active = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<String, Base> cache = new ConcurrentHashMap<>();
  private final BatchGate gate;

  Appender(StoreContext context, EventLog log, long maxPayload, Duration duplicateWindow) {
    this.context = context;
    this.log = log;
    this.namespace = context.namespace();
    this.maxPayload = maxPayload;
    this.duplicateWindow = duplicateWindow;
    this.executor = context::execute;
    this.gate = new BatchGate(MAX_BATCHES_IN_FLIGHT, executor);
  }

  /** Where an append expects the actor to be: its last subject sequence and version. */
  private record Base(long sequence, long version, Found last) {}

  // ---- entry -------------------------------------------------------------------------------

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
    Limits.checkActorId(actorId);
    Objects.requireNonNull(expected, "expected");
    Checked checked = validate(actorId, events);
    context.checkOpen();
    AppendOp op = new AppendOp(actorId, expected, checked.events(), checked.headers());
    active.add(op);
    enqueue(op);
    return op.settled;
  }

  /** The checked events and each one's headers, built once for all publish attempts. */
  private record Checked(List<NewEvent> events, List<Headers> headers) {}

  /**
   * Checks the events and builds each one's headers once, with the longest possible version;
   * {@link AppendOp#messages} copies them per attempt, setting the real version and the
   * per-attempt control headers. The size check adds the longest possible control headers
   * arithmetically instead of building them.
   */
  private Checked validate(String actorId, List<NewEvent> events) {
    Objects.requireNonNull(events, "events");
    if (events.isEmpty() || events.size() > Limits.MAX_EVENTS_PER_APPEND) {
      throw new IllegalArgumentException("an append takes 1 to " + Limits.MAX_EVENTS_PER_APPEND
          + " events, got " + events.size());
    }
    List<NewEvent> copy = List.copyOf(events);
    Set<String> ids = new HashSet<>();
    String filter = SubjectLayout.actorEvents(namespace, actorId);
    long control = headerLength(EXPECTED_SEQ, Long.toString(Long.MAX_VALUE).length())
        + headerLength(EXPECTED_SEQ_SUBJECT, filter.length())
        + headerLength(BATCH_ID, UUID_LENGTH)
        + headerLength(BATCH_SEQUENCE, Integer.toString(Limits.MAX_EVENTS_PER_APPEND).length())
        + headerLength(BATCH_COMMIT, BATCH_COMMIT_VALUE.length());
    List<Headers> templates = new ArrayList<>(copy.size());
    for (int i = 0; i < copy.size(); i++) {
      NewEvent event = copy.get(i);
      if (!ids.add(event.id())) {
        throw new IllegalArgumentException("event id '" + event.id()
            + "' occurs more than once in the append; event ids must be unique");
      }
      Headers headers = CloudEventMapping.headers(namespace, actorId, Long.MAX_VALUE, event);
      long size = headers.serializedLength() + control + event.data().size();
      if (size > maxPayload) {
        throw new IllegalArgumentException("event " + (i + 1) + " of " + copy.size() + " (id '"
            + event.id() + "', type '" + event.type() + "') is " + size + " bytes with its"
            + " headers (" + event.data().size() + " bytes of data); the server accepts at most "
            + maxPayload + " bytes per message");
      }
      templates.add(headers);
    }
    return new Checked(copy, templates);
  }

  /** The serialized length of one header line, {@code name:value\r\n}, as jnats counts it. */
  private static long headerLength(String name, int valueLength) {
    return name.length() + 1L + valueLength + 2L;
  }

  /** Fails every append in progress; called when the store closes. */
  void abortAll() {
    for (AppendOp op : List.copyOf(active)) {
      op.giveUp();
    }
  }

  // ---- per-actor lanes ---------------------------------------------------------------------

  private static final class Lane {
    final ArrayDeque<AppendOp> waiting = new ArrayDeque<>();
    boolean busy;
  }

  private void enqueue(AppendOp op) {
    boolean[] startNow = {false};
    lanes.compute(op.token, (key, lane) -> {
      Lane current = lane == null ? new Lane() : lane;
      if (current.busy) {
        current.waiting.add(op);
      } else {
        current.busy = true;
        startNow[0] = true;
      }
      return current;
    });
    if (startNow[0]) {
      op.start();
    }
  }

  private void finished(AppendOp op) {
    active.remove(op);
    AppendOp[] next = {null};
    lanes.computeIfPresent(op.token, (key, lane) -> {
      next[0] = lane.waiting.poll();
      return next[0] == null ? null : lane;
    });
    if (next[0] != null) {
      executor.execute(next[0]::start);
    }
  }

  private Base cached(String token) {
    return cache.get(token);
  }

  private void remember(String token, Base base) {
    if (cache.size() >= CACHE_LIMIT) {
      cache.clear();
    }
    cache.put(token, new Base(base.sequence(), base.version(), null));
  }

  // ---- one append --------------------------------------------------------------------------

  private final class AppendOp {
    final String actorId;
    final String token;
    final String filter;
    final ExpectedVersion expected;
    final List<NewEvent> events;
    /**
     * Each event's headers, built once with a placeholder version; never modified, copied for
     * every publish attempt.
     */
    final List<Headers> templates;
    final CompletableFuture<AppendResult> done = new CompletableFuture<>();
    /** Completes as {@link #done} does, once the lane has been released. */
    final CompletableFuture<AppendResult> settled;
    private long deadline;
    private int retries;
    /** A publish was sent whose outcome is not known to be "not stored". */
    private volatile boolean uncertain;
    private volatile RuntimeException lastFailure;

    AppendOp(String actorId, ExpectedVersion expected, List<NewEvent> events,
        List<Headers> templates) {
      this.templates = templates;
      this.actorId = actorId;
      this.token = SubjectLayout.actorToken(actorId);
      this.filter = SubjectLayout.actorEvents(namespace, actorId);
      this.expected = expected;
      this.events = events;
      long started = context.metrics().start();
      settled = done.whenComplete((result, failure) -> {
        finished(this);
        context.metrics().appended(started, events.size(), failure);
      });
    }

    void start() {
      if (context.isClosed()) {
        done.completeExceptionally(context.closedException());
        return;
      }
      deadline = context.deadline();
      locate(true);
    }

    // -- locate the actor's end

    void locate(boolean useCache) {
      if (stopped()) {
        return;
      }
      Base known = useCache ? cached(token) : null;
      if (known != null) {
        onBase(known, true);
        return;
      }
      log.latestAsync(actorId).whenComplete((latest, failure) -> {
        if (failure != null) {
          retry(failure, () -> locate(false));
          return;
        }
        Base base = new Base(latest.sequence(), latest.version(), latest.last());
        remember(token, base);
        onBase(base, false);
      });
    }

    void onBase(Base base, boolean fromCache) {
      if (expected.matches(base.version())) {
        publish(base);
      } else if (fromCache) {
        locate(false);
      } else {
        onWorker(() -> alreadyStoredOrConflict(base));
      }
    }

    // -- publish

    void publish(Base base) {
      if (stopped()) {
        return;
      }
      List<Message> messages = messages(base);
      uncertain = true;
      if (messages.size() == 1) {
        context.api().request(messages.get(0))
            .whenComplete((reply, failure) -> onReply(base, reply, failure));
        return;
      }
      gate.run(() -> {
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
          gate.release();
          onReply(base, reply, failure);
        });
      });
    }

    List<Message> messages(Base base) {
      int n = events.size();
      String batchId = n > 1 ? UUID.randomUUID().toString() : null;
      List<Message> messages = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        NewEvent event = events.get(i);
        // put (never add) on the copy: it replaces the value lists shared with the template
        Headers headers = new Headers(templates.get(i));
        headers.put(CloudEventHeaders.ACTOR_VERSION, Long.toString(base.version() + i + 1));
        if (i == 0) {
          headers.put(EXPECTED_SEQ, Long.toString(base.sequence()));
          headers.put(EXPECTED_SEQ_SUBJECT, filter);
        }
        if (batchId != null) {
          headers.put(BATCH_ID, batchId);
          headers.put(BATCH_SEQUENCE, Integer.toString(i + 1));
          if (i == n - 1) {
            headers.put(BATCH_COMMIT, BATCH_COMMIT_VALUE);
          }
        }
        messages.add(NatsMessage.builder()
            .subject(SubjectLayout.eventSubject(namespace, actorId, event.type()))
            .headers(headers)
            .data(event.data().toByteArray())
            .build());
      }
      return messages;
    }

    void onReply(Base base, Message reply, Throwable failure) {
      if (failure != null) {
        retry(failure, () -> resolve(base));
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
            () -> resolve(base));
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
        onWorker(() -> fromDuplicate(base, ack.getSeqno()));
        return;
      }
      int n = events.size();
      if (n > 1 && ack.getBatchSize() != n) {
        onWorker(() -> resolve(base));
        return;
      }
      long last = ack.getSeqno();
      Base now = new Base(last, base.version() + n, null);
      remember(token, now);
      succeed(new AppendResult(actorId, base.version() + 1, base.version() + n, last - n + 1,
          last));
    }

    void onServerError(Base base, ServerError error) {
      if (error.isConflict()) {
        lastFailure = error;
        onWorker(() -> resolve(base));
      } else if (error.errCode() == JetStreamErrors.BATCH_DUPLICATE_MSG_ID) {
        lastFailure = error;
        onWorker(() -> duplicateIds(base));
      } else if (error.isTransient()) {
        retry(error, () -> resolve(base));
      } else if (uncertain && retries > 0) {
        lastFailure = error;
        giveUp();
      } else {
        uncertain = false;
        fail(new AetherNonTransientException("the server refused the append to actor '"
            + actorId + "': " + error.getMessage(), error));
      }
    }

    // -- finding out what happened (worker threads, blocking)

    /**
     * Reads the first event after the expected sequence: ours means stored; another event means
     * ours can never be stored under that expectation; none means not stored (yet), so the same
     * messages are published again with the same expectation.
     */
    void resolve(Base base) {
      if (stopped()) {
        return;
      }
      try {
        Optional<StoredMessage> after = context.await(
            context.api().nextOn(filter, base.sequence() + 1));
        if (after.isEmpty()) {
          if (lastFailure instanceof ServerError e && e.isConflict()
              && e.errCode() == JetStreamErrors.WRONG_LAST_SEQUENCE) {
            // The leader saw a different last sequence than the one we read; read it again.
            uncertain = false;
            retry(e, () -> locate(false));
            return;
          }
          retry(lastFailure == null ? new Unreachable("not stored yet", null, false)
              : lastFailure, () -> publish(base));
          return;
        }
        Optional<Found> next = log.nextDecodable(filter, base.sequence() + 1, Long.MAX_VALUE);
        if (next.isPresent() && isOurs(next.get(), 0)) {
          LOG.debug("append to actor '{}' was stored by an earlier attempt, at position {}",
              actorId, next.get().sequence());
          succeedFrom(next.get());
          return;
        }
        LOG.debug("append to actor '{}' is not stored under sequence {}; starting over",
            actorId, base.sequence());
        uncertain = false;
        locate(false);
      } catch (AetherException | IllegalArgumentException e) {
        fail(e);
      } catch (RuntimeException e) {
        retry(e, () -> resolve(base));
      }
    }

    /** The actor is not at the expected version: a retry of a stored append, or a conflict. */
    void alreadyStoredOrConflict(Base base) {
      if (stopped()) {
        return;
      }
      long expectedVersion = expected instanceof ExpectedVersion.Exactly exactly
          ? exactly.version() : 0;
      try {
        if (base.version() > expectedVersion) {
          Latest latest = new Latest(base.sequence(), base.version(), base.last());
          Optional<Found> next = log.atOrAfterVersion(actorId, expectedVersion + 1, latest);
          if (next.isPresent() && next.get().event().version() == expectedVersion + 1
              && isOurs(next.get(), 0)) {
            succeedFrom(next.get());
            return;
          }
        }
        uncertain = false;
        fail(new VersionConflictException(actorId, expected, base.version()));
      } catch (AetherException | IllegalArgumentException e) {
        fail(e);
      } catch (RuntimeException e) {
        retry(e, () -> alreadyStoredOrConflict(base));
      }
    }

    /** A single event's publish was answered as a duplicate of the message at {@code seq}. */
    void fromDuplicate(Base base, long sequence) {
      if (stopped()) {
        return;
      }
      try {
        Optional<StoredMessage> stored = log.get(sequence);
        if (stored.isPresent()) {
          Found found = log.decode(stored.get());
          if (found.decoded() && found.event().actorId().equals(actorId)
              && isOurs(found, 0)) {
            succeedFrom(found);
            return;
          }
          uncertain = false;
          fail(alreadyStored(Map.of(events.get(0).id(), found)));
          return;
        }
        uncertain = false;
        fail(new IllegalArgumentException("event id '" + events.get(0).id()
            + "' was already used in namespace '" + namespace + "' for the message at position "
            + sequence + ", which no longer exists; event ids must be unique in a namespace"));
      } catch (AetherException | IllegalArgumentException e) {
        fail(e);
      } catch (RuntimeException e) {
        retry(e, () -> fromDuplicate(base, sequence));
      }
    }

    /**
     * An atomic batch was refused because one of its message ids is in the duplicate window:
     * either this append was stored before (a retry), or an id is used by another event.
     */
    void duplicateIds(Base base) {
      if (stopped()) {
        return;
      }
      try {
        Optional<Found> next = log.nextDecodable(filter, base.sequence() + 1, Long.MAX_VALUE);
        if (next.isPresent() && isOurs(next.get(), 0)) {
          succeedFrom(next.get());
          return;
        }
        Map<String, Found> stored = findIdsInDuplicateWindow();
        Found first = stored.get(events.get(0).id());
        if (stored.size() == events.size() && first != null && first.decoded()
            && first.event().actorId().equals(actorId)
            && isOurs(first, 0) && confirm(first).isPresent()) {
          succeedFrom(first);
          return;
        }
        uncertain = false;
        fail(alreadyStored(stored));
      } catch (AetherException | IllegalArgumentException e) {
        fail(e);
      } catch (RuntimeException e) {
        retry(e, () -> duplicateIds(base));
      }
    }

    private Map<String, Found> findIdsInDuplicateWindow() {
      Map<String, String> wanted = new HashMap<>();
      for (NewEvent event : events) {
        wanted.put(CloudEventMapping.encodedId(event), event.id());
      }
      ZonedDateTime since = ZonedDateTime.now(ZoneOffset.UTC)
          .minus(duplicateWindow).minus(CLOCK_SKEW_MARGIN);
      long from = log.firstSequenceAtOrAfter(since);
      Map<String, Found> found = new LinkedHashMap<>();
      if (from == 0) {
        return found;
      }
      long last = log.lastPosition();
      log.scan(log.allFilter(), from, last, true, message -> {
        String id = wanted.get(CloudEventMapping.rawId(message));
        if (id != null) {
          found.put(id, log.decode(message));
        }
        return found.size() < wanted.size();
      });
      return found;
    }

    private IllegalArgumentException alreadyStored(Map<String, Found> stored) {
      if (stored.isEmpty()) {
        List<String> ids = events.stream().map(NewEvent::id).toList();
        return new IllegalArgumentException("one of the event ids " + ids
            + " is already stored in namespace '" + namespace + "' (the server reported a"
            + " duplicate message id); event ids must be unique in a namespace");
      }
      StringBuilder text = new StringBuilder();
      stored.forEach((id, found) -> {
        if (text.length() > 0) {
          text.append(", ");
        }
        text.append('\'').append(id).append("' (position ").append(found.sequence());
        if (found.decoded()) {
          text.append(", actor '").append(found.event().actorId()).append("', version ")
              .append(found.event().version());
        }
        text.append(')');
      });
      return new IllegalArgumentException("event id" + (stored.size() > 1 ? "s " : " ") + text
          + (stored.size() > 1 ? " are" : " is") + " already stored in namespace '" + namespace
          + "'; an append may repeat a whole earlier append (a retry) but event ids must"
          + " otherwise be unique in a namespace; nothing was stored");
    }

    boolean isOurs(Found found, int index) {
      return found.decoded() && found.event().actorId().equals(actorId)
          && found.event().id().equals(events.get(index).id());
    }

    /** Checks that the rest of a stored append follows {@code first}; returns the last. */
    private Optional<Found> confirm(Found first) {
      int n = events.size();
      if (n == 1) {
        return Optional.of(first);
      }
      Optional<StoredMessage> last = log.get(first.sequence() + n - 1);
      if (last.isEmpty()) {
        return Optional.empty();
      }
      Found found = log.decode(last.get());
      if (!isOurs(found, n - 1) || found.event().version() != first.event().version() + n - 1) {
        return Optional.empty();
      }
      return Optional.of(found);
    }

    private void succeedFrom(Found first) {
      if (confirm(first).isEmpty()) {
        uncertain = false;
        fail(new AetherNonTransientException("the first event of the append to actor '"
            + actorId + "' (id '" + events.get(0).id() + "') is stored at position "
            + first.sequence() + " but the others do not follow it", null));
        return;
      }
      int n = events.size();
      long firstVersion = first.event().version();
      succeed(new AppendResult(actorId, firstVersion, firstVersion + n - 1, first.sequence(),
          first.sequence() + n - 1));
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
      String why = context.isClosed() ? "the store was closed"
          : cause == null ? "the retry budget was spent" : cause.getMessage();
      String what = "the append of " + events.size() + " event(s) to actor '" + actorId
          + "' (first id '" + events.get(0).id() + "')";
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
      executor.execute(task);
    }
  }

  /** Bounds the atomic batches in flight; tasks beyond the bound wait in order. */
  private static final class BatchGate {
    private final int permits;
    private final Executor executor;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
    private int used;

    BatchGate(int permits, Executor executor) {
      this.permits = permits;
      this.executor = executor;
    }

    void run(Runnable task) {
      synchronized (this) {
        if (used >= permits) {
          waiting.add(task);
          return;
        }
        used++;
      }
      task.run();
    }

    void release() {
      Runnable next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          used--;
        }
      }
      if (next != null) {
        executor.execute(next);
      }
    }
  }
}
