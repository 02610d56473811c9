package one.flowmade.aether.jetstream;

import io.nats.client.IterableConsumer;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import one.flowmade.aether.nats.SubjectLayout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a namespace's stream: the latest message of an actor, an actor's events from a version,
 * the namespace's events from a position, and scans. Every read that must see acknowledged
 * appends asks the stream leader ({@code STREAM.MSG.GET}) where it ends, so a read that starts
 * after an acknowledgement sees it even when a consumer is served by a lagging replica.
 * Thread-safe.
 */
final class EventLog {

  private static final Logger LOG = LoggerFactory.getLogger(EventLog.class);

  /** Up to this many messages are read with leader gets; more with an ordered consumer. */
  static final int GET_WALK_LIMIT = 32;
  private static final Duration POLL = Duration.ofMillis(250);
  /** A consumer that delivers nothing this long while messages exist is given up (and the read
   *  retried with a new one). */
  private static final Duration STALL = Duration.ofSeconds(3);

  private final StoreContext context;
  private final Namespace namespace;
  private final String allFilter;
  private final JetStream jetStream;
  /** Batched direct gets, or null when the stream does not allow them (created before they
   *  were used): then reads use leader gets and ordered consumers. */
  private final @Nullable DirectGets direct;
  /** Replies of direct gets and deliveries of read consumers. */
  private final ReplyInbox replies;
  private volatile @Nullable StreamContext streamContext;

  EventLog(StoreContext context, boolean allowDirect) {
    this.context = context;
    this.replies = new ReplyInbox(context.connection(), context.api().stream());
    this.direct = allowDirect
        ? new DirectGets(replies, context.api().stream(), context.api().timeout())
        : null;
    this.namespace = context.namespace();
    this.allFilter = SubjectLayout.allEvents(namespace);
    try {
      this.jetStream = context.connection().jetStream(
          JetStreamOptions.builder().requestTimeout(context.api().timeout()).build());
    } catch (IOException e) {
      throw new IllegalStateException("cannot create a JetStream context", e);
    }
  }

  JetStream jetStream() {
    return jetStream;
  }

  StoreContext context() {
    return context;
  }

  /** Whether actor reads use batched direct gets. */
  boolean direct() {
    return direct != null;
  }

  /**
   * Opens a cursor over an actor's messages with direct gets; only if {@link #direct()}.
   *
   * @throws IllegalStateException if the stream does not allow direct gets
   */
  ActorCursor cursor(String actorId, long fromVersion, long afterPosition, int limit,
      int batchSize) {
    DirectGets gets = direct;
    if (gets == null) {
      throw new IllegalStateException("stream '" + context.api().stream()
          + "' does not allow direct gets: read it with leader gets");
    }
    return new ActorCursor(this, gets, actorId, fromVersion, afterPosition, limit, batchSize);
  }

  /**
   * Opens a short-lived consumer reading an actor's messages from {@code fromSequence} up to
   * {@code until}; returns at once.
   */
  ConsumerFeed feed(String actorId, long fromSequence, long until, int batch) {
    return new ConsumerFeed(context.api(), replies, actorFilter(actorId), fromSequence, until,
        batch);
  }

  /** Stops the reply subscription; reads in flight fail. */
  void close() {
    replies.close();
  }

  String allFilter() {
    return allFilter;
  }

  String actorFilter(String actorId) {
    return SubjectLayout.actorEvents(namespace, actorId);
  }

  /** A message and either its event (if it could be decoded) or why it could not be. */
  record Found(StoredMessage message, @Nullable Event event, @Nullable DecodingException error) {
    Found {
      if ((event == null) == (error == null)) {
        throw new IllegalArgumentException("a found message has either an event or an error");
      }
    }

    long sequence() {
      return message.sequence();
    }

    boolean decoded() {
      return event != null;
    }

    /**
     * The event; only if {@link #decoded()}.
     *
     * @throws IllegalStateException if the message could not be decoded
     */
    Event decodedEvent() {
      Event decoded = event;
      if (decoded == null) {
        throw new IllegalStateException("message " + message.sequence() + " was not decoded");
      }
      return decoded;
    }

    /**
     * Why the message could not be decoded; only if not {@link #decoded()}.
     *
     * @throws IllegalStateException if it was decoded
     */
    DecodingException decodingError() {
      DecodingException failure = error;
      if (failure == null) {
        throw new IllegalStateException("message " + message.sequence() + " was decoded");
      }
      return failure;
    }

    UndecodableEvent undecodable() {
      return new UndecodableEvent(message.sequence(), message.subject(),
          Payload.of(message.data(), Payload.OCTET_STREAM), decodingError());
    }
  }

  /**
   * Where an actor's stream ends: the sequence of its last message (the expectation for the next
   * append) and the version of its last decodable event.
   */
  record Latest(long sequence, long version, @Nullable Found last) {
    static final Latest NONE = new Latest(0, 0, null);
  }

  Found decode(StoredMessage message) {
    try {
      return new Found(message, CloudEventMapping.decode(namespace, message), null);
    } catch (DecodingException e) {
      return new Found(message, null, e);
    }
  }

  // ---- latest ------------------------------------------------------------------------------

  /** One attempt; the future fails with the internal failure types. */
  CompletableFuture<Latest> latestAsync(String actorId) {
    String filter = actorFilter(actorId);
    return context.api().lastOn(filter).thenCompose(last -> {
      if (last.isEmpty()) {
        return CompletableFuture.completedFuture(Latest.NONE);
      }
      Found found = decode(last.get());
      Event event = found.event();
      if (event != null) {
        return CompletableFuture.completedFuture(
            new Latest(found.sequence(), event.version(), found));
      }
      return CompletableFuture.supplyAsync(() -> latestBehindUndecodable(filter, found),
          context.worker());
    });
  }

  /** Blocking, with retries. */
  Latest latest(String actorId) {
    return context.call("read the latest version of actor '" + actorId + "'",
        () -> latestAsync(actorId));
  }

  private Latest latestBehindUndecodable(String filter, Found last) {
    LOG.warn("the last message of '{}' cannot be decoded ({}); scanning the actor's messages"
        + " for its latest version", filter, last.decodingError().getMessage());
    long[] version = {0};
    scan(filter, 1, last.sequence(), true, message -> {
      Event event = decode(message).event();
      if (event != null) {
        version[0] = event.version();
      }
      return true;
    });
    return new Latest(last.sequence(), version[0], last);
  }

  long lastPosition() {
    return context.call("read the last position", () -> context.api().lastOn(allFilter))
        .map(StoredMessage::sequence).orElse(0L);
  }

  // ---- lookups (one attempt each, blocking) ------------------------------------------------

  Optional<StoredMessage> get(long sequence) {
    return context.await(context.api().getSequence(sequence));
  }

  /** The sequence of the first message stored at or after {@code time}; 0 if there is none. */
  long firstSequenceAtOrAfter(ZonedDateTime time) {
    return context.await(context.api().get(MessageGetRequest.firstForStartTime(time)))
        .map(StoredMessage::sequence).orElse(0L);
  }

  /**
   * Returns the first decodable message on the filter at or after {@code from} and not after
   * {@code until}, skipping undecodable ones; empty if there is none.
   */
  Optional<Found> nextDecodable(String filter, long from, long until) {
    long next = from;
    while (next <= until) {
      Optional<StoredMessage> message = context.await(context.api().nextOn(filter, next));
      if (message.isEmpty() || message.get().sequence() > until) {
        return Optional.empty();
      }
      Found found = decode(message.get());
      if (found.decoded()) {
        return Optional.of(found);
      }
      next = found.sequence() + 1;
    }
    return Optional.empty();
  }

  /**
   * Finds the first event of an actor whose version is at least {@code version}, by binary search
   * over the stream with leader gets: O(log n) requests.
   *
   * @param latest where the actor ends
   * @return the event, or empty if the actor has no such version
   */
  Optional<Found> atOrAfterVersion(String actorId, long version, Latest latest) {
    return atOrAfterVersion(actorId, version, latest, 0);
  }

  /**
   * Like {@link #atOrAfterVersion(String, long, Latest)}, starting from a hint: a position the
   * caller believes precedes the event (such as a snapshot's). An exact hint costs one request; a
   * wrong one falls back to the binary search, so it never changes the answer.
   */
  Optional<Found> atOrAfterVersion(String actorId, long version, Latest latest,
      long afterPosition) {
    if (latest.version() < version || latest.sequence() == 0) {
      return Optional.empty();
    }
    String filter = actorFilter(actorId);
    Found last = latest.last();
    if (last != null && last.decoded() && last.decodedEvent().version() == version) {
      return Optional.of(last);
    }
    long lo = 1;
    if (afterPosition > 0 && afterPosition < latest.sequence()) {
      Optional<Found> probe = nextDecodable(filter, afterPosition + 1, latest.sequence());
      if (probe.isPresent() && probe.get().decodedEvent().version() == version) {
        return probe;
      }
      if (probe.isPresent() && probe.get().decodedEvent().version() < version) {
        lo = probe.get().sequence() + 1;
      }
    }
    long hi = latest.sequence();
    if (version <= 1) {
      return nextDecodable(filter, lo, hi);
    }
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      Optional<Found> probe = nextDecodable(filter, mid, latest.sequence());
      if (probe.isEmpty()) {
        hi = mid;
        continue;
      }
      long probed = probe.get().decodedEvent().version();
      if (probed == version) {
        return probe;
      }
      if (probed > version) {
        hi = mid;
      } else {
        lo = Math.max(mid + 1, probe.get().sequence() + 1);
      }
    }
    return nextDecodable(filter, lo, latest.sequence());
  }

  // ---- reads -------------------------------------------------------------------------------

  ReadResult read(String actorId, long fromVersion, int limit) {
    return read(actorId, fromVersion, limit, 0);
  }

  ReadResult read(String actorId, long fromVersion, int limit, long afterPosition) {
    if (direct()) {
      return readDirect(actorId, fromVersion, limit, afterPosition);
    }
    String description = "read actor '" + actorId + "'";
    return context.call(description, () -> CompletableFuture.completedFuture(
        readOnce(actorId, fromVersion, limit, afterPosition)));
  }

  /** Events per direct batch of a read, after the first. */
  static final int READ_BATCH = 2048;

  private ReadResult readDirect(String actorId, long fromVersion, int limit, long afterPosition) {
    try (ActorCursor cursor = cursor(actorId, fromVersion, afterPosition, limit, READ_BATCH)) {
      Collector collector = new Collector(limit, Long.MAX_VALUE);
      Found found;
      while (!collector.done() && (found = cursor.next()) != null) {
        collector.accept(found);
      }
      return collector.result(Position.after(cursor.until()));
    }
  }

  private ReadResult readOnce(String actorId, long fromVersion, int limit, long afterPosition) {
    Latest latest = context.await(latestAsync(actorId));
    if (latest.sequence() == 0 || latest.version() < fromVersion) {
      return new ReadResult(List.of(), List.of(), Position.after(latest.sequence()));
    }
    Optional<Found> first = atOrAfterVersion(actorId, fromVersion, latest, afterPosition);
    if (first.isEmpty()) {
      return new ReadResult(List.of(), List.of(), Position.after(latest.sequence()));
    }
    long expected = Math.min((long) limit, latest.version() - fromVersion + 1);
    Collector collector = new Collector(limit, latest.sequence());
    String filter = actorFilter(actorId);
    collector.accept(first.get());
    if (!collector.done()) {
      collect(filter, first.get().sequence() + 1, latest.sequence(), expected, collector);
    }
    return collector.result(Position.after(latest.sequence()));
  }

  ReadResult readAll(Position from, int limit) {
    return context.call("read the namespace's events", () -> CompletableFuture.completedFuture(
        readAllOnce(from, limit)));
  }

  private ReadResult readAllOnce(Position from, int limit) {
    long last = context.await(context.api().lastOn(allFilter))
        .map(StoredMessage::sequence).orElse(0L);
    if (from instanceof Position.End) {
      return new ReadResult(List.of(), List.of(), Position.after(last));
    }
    long start = ((Position.At) from).position();
    if (start > last) {
      return new ReadResult(List.of(), List.of(), from);
    }
    Collector collector = new Collector(limit, last);
    collect(allFilter, start, last, Math.min(limit, last - start + 1), collector);
    return collector.result(from);
  }

  /** Collects messages from {@code from} to {@code until}, with gets or an ordered consumer. */
  private void collect(String filter, long from, long until, long expected,
      Collector collector) {
    if (expected <= GET_WALK_LIMIT) {
      long next = from;
      while (!collector.done() && next <= until) {
        Optional<StoredMessage> message = context.await(context.api().nextOn(filter, next));
        if (message.isEmpty() || message.get().sequence() > until) {
          return;
        }
        collector.accept(decode(message.get()));
        next = message.get().sequence() + 1;
      }
      return;
    }
    scan(filter, from, until, false, message -> {
      collector.accept(decode(message));
      return !collector.done();
    });
  }

  /** Gathers a read's events and undecodable messages. */
  private static final class Collector {
    private final int limit;
    private final long until;
    private final List<Event> events = new ArrayList<>();
    private final List<UndecodableEvent> undecodable = new ArrayList<>();
    private long lastExamined;

    Collector(int limit, long until) {
      this.limit = limit;
      this.until = until;
    }

    void accept(Found found) {
      lastExamined = found.sequence();
      Event event = found.event();
      if (event != null) {
        events.add(event);
      } else {
        LOG.warn("skipping an undecodable message: {}", found.decodingError().getMessage());
        undecodable.add(found.undecodable());
      }
    }

    boolean done() {
      return events.size() >= limit || lastExamined >= until;
    }

    ReadResult result(Position ifNothingExamined) {
      Position next = lastExamined == 0 ? ifNothingExamined : Position.after(lastExamined);
      return new ReadResult(events, undecodable, next);
    }
  }

  // ---- scans -------------------------------------------------------------------------------

  StreamContext streamContext() {
    StreamContext current = streamContext;
    if (current == null) {
      try {
        current = jetStream.getStreamContext(context.api().stream());
      } catch (IOException e) {
        throw Failures.translate(e, context.connection(), context.api().timeout());
      } catch (JetStreamApiException e) {
        throw new Failures.ServerError(e.getErrorCode(), e.getApiErrorCode(),
            e.getErrorDescription());
      }
      streamContext = current;
    }
    return current;
  }

  /**
   * Reads the messages on {@code filter} from a sequence (or a time) with an ordered consumer,
   * until the visitor returns false or the message at {@code until} (a sequence the leader
   * reported) has been seen. One attempt; blocking.
   */
  void scan(String filter, long fromSequence, long until, boolean headersOnly,
      Predicate<StoredMessage> visitor) {
    OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
        .filterSubject(filter)
        .deliverPolicy(DeliverPolicy.ByStartSequence)
        .startSequence(Math.max(1, fromSequence));
    if (headersOnly) {
      config.headersOnly(true);
    }
    IterableConsumer consumer;
    try {
      OrderedConsumerContext ordered = streamContext().createOrderedConsumer(config);
      consumer = ordered.iterate(StoreSubscription.consumeOptions());
    } catch (IOException e) {
      throw Failures.translate(e, context.connection(), context.api().timeout());
    } catch (JetStreamApiException e) {
      throw new Failures.ServerError(e.getErrorCode(), e.getApiErrorCode(),
          e.getErrorDescription());
    }
    try {
      long lastSeen = Math.max(1, fromSequence) - 1;
      long stalledSince = System.nanoTime();
      while (true) {
        context.checkOpen();
        Message message = consumer.nextMessage(POLL);
        if (message == null) {
          Optional<StoredMessage> pending = context.await(
              context.api().nextOn(filter, lastSeen + 1));
          if (pending.isEmpty() || pending.get().sequence() > until) {
            return;
          }
          if (System.nanoTime() - stalledSince > STALL.toNanos()) {
            throw new Unreachable("the consumer reading '" + filter + "' delivered nothing"
                + " while message " + pending.get().sequence() + " exists", null, false);
          }
          continue;
        }
        stalledSince = System.nanoTime();
        StoredMessage stored = StoredMessage.of(message);
        lastSeen = stored.sequence();
        if (!visitor.test(stored) || lastSeen >= until) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while reading", e, false);
    } catch (JetStreamStatusCheckedException e) {
      throw new Unreachable("consumer status: " + e.getMessage(), e, false);
    } finally {
      try {
        consumer.close();
      } catch (Exception e) {
        LOG.debug("closing an ordered consumer failed", e);
      }
    }
  }
}
