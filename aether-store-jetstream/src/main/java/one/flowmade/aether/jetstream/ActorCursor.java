package one.flowmade.aether.jetstream;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import one.flowmade.aether.Event;
import one.flowmade.aether.jetstream.DirectGets.Batch;
import one.flowmade.aether.jetstream.EventLog.Found;
import one.flowmade.aether.jetstream.EventLog.Latest;
import org.jspecify.annotations.Nullable;

/**
 * Reads one actor's messages with batched direct gets, one batch ahead of the reader: while the
 * reader decodes a batch, the next one is on its way. Holds at most two batches.
 *
 * <p><b>Long reads.</b> When a batch's end-of-batch status reports more than {@value
 * #CONSUMER_THRESHOLD} messages after it and the read wants more than that many events, the rest
 * is read with a {@link ConsumerFeed} (a short-lived pull consumer, far cheaper for the server per
 * message than direct gets), bounded by the same leader sequence. If the feed fails or delivers
 * nothing for {@link #QUIET}, the cursor closes it and reads on with direct batches from where it
 * stopped; closing or ending the cursor deletes the consumer.
 *
 * <p><b>Read-your-writes.</b> The stream leader's answer to a last-by-subject get ({@link
 * EventLog#latestAsync}) bounds the read: it ends exactly at the actor's last message the leader
 * had when the cursor opened, and every batch asks {@code up_to_seq} of it. A batch may be served
 * by a replica that has not applied the latest writes yet; when one ends before that bound the
 * cursor asks again (another replica may answer), and after {@value #LAGGING_ATTEMPTS} short
 * batches in a row it takes the next message from the leader ({@code STREAM.MSG.GET}), so the
 * read never ends early and always progresses.
 *
 * <p><b>Two round trips.</b> When the first sequence to read is known (a position hint, such as a
 * snapshot's, or version 1) the first batch is requested together with the leader's get, so a
 * short read (a snapshot's tail) costs one round trip. A wrong hint costs the O(log n) search of
 * {@link EventLog#atOrAfterVersion}, never a wrong answer.
 *
 * <p>Not thread-safe: one reader. Blocking calls retry transient failures within the store's
 * budget or the caller's deadline ({@link StoreContext#within}).
 */
final class ActorCursor implements AutoCloseable {

  /** Events in the first batch, requested before the leader has said where the actor ends. */
  static final int FIRST_BATCH = 256;
  static final int LAGGING_ATTEMPTS = 3;
  /**
   * When more messages than this remain after a direct batch (its end-of-batch pending count),
   * and the read wants more events than this, the rest is read with a {@link ConsumerFeed}.
   */
  static final int CONSUMER_THRESHOLD = 2048;
  /** A consumer that delivers nothing this long is given up for direct batches. */
  static final Duration QUIET = Duration.ofSeconds(3);

  private final EventLog log;
  private final StoreContext context;
  private final DirectGets direct;
  private final String actorId;
  private final String filter;
  private final String description;
  private final long fromVersion;
  private final long afterPosition;
  private final int limit;
  private final int batchSize;
  private final ArrayDeque<Found> buffer = new ArrayDeque<>();
  /** The leader's get started by the constructor, until {@link #ensureLatest} takes it. */
  private @Nullable CompletableFuture<Latest> latestRequest;
  /** Where the actor ends; null until the leader has answered. */
  private @Nullable Latest latest;
  private long until;
  private long next;
  private @Nullable CompletableFuture<Batch> inFlight;
  /** The consumer reading the rest of a long read, once one is opened. */
  private @Nullable ConsumerFeed feed;
  private boolean feedTried;
  private long inFlightFrom;
  private int inFlightSize;
  private boolean started;
  private boolean ended;
  private int lagging;
  private long events;

  /**
   * Starts the leader's get and, when the first sequence is known, the first batch; returns at
   * once.
   *
   * @param limit the most events to read
   * @param batchSize the events per batch after the first
   */
  ActorCursor(EventLog log, DirectGets direct, String actorId, long fromVersion,
      long afterPosition, int limit, int batchSize) {
    this.log = log;
    this.context = log.context();
    this.direct = direct;
    this.actorId = actorId;
    this.filter = log.actorFilter(actorId);
    this.description = "read actor '" + actorId + "'";
    this.fromVersion = fromVersion;
    this.afterPosition = afterPosition;
    this.limit = limit;
    this.batchSize = batchSize;
    this.latestRequest = log.latestAsync(actorId);
    if (afterPosition > 0 || fromVersion == 1) {
      next = afterPosition + 1;
      request(next, Math.min(limit, FIRST_BATCH), 0);
    }
  }

  /** The sequence of the actor's last message when the cursor opened; blocks until known. */
  long until() {
    ensureLatest();
    return until;
  }

  /**
   * Returns the next message of the range (an event at or after the first version, or an
   * undecodable message after it), or null at the end; blocks while a batch is fetched.
   */
  @Nullable Found next() {
    ensureLatest();
    while (buffer.isEmpty() && !ended) {
      fetch();
    }
    Found found = buffer.poll();
    if (found != null && found.decoded()) {
      events++;
    }
    return found;
  }

  private void ensureLatest() {
    if (latest != null) {
      return;
    }
    CompletableFuture<Latest> first = latestRequest;
    latestRequest = null;
    Latest known = context.call(description, once(first, () -> log.latestAsync(actorId)));
    latest = known;
    until = known.sequence();
    if (until == 0 || known.version() < fromVersion) {
      end();
      return;
    }
    if (inFlight == null) {
      search(known, afterPosition);
    }
  }

  /** Finds the first event with leader gets and starts reading there. */
  private void search(Latest known, long hint) {
    cancel();
    buffer.clear();
    Optional<Found> first = context.call(description, () -> CompletableFuture.completedFuture(
        log.atOrAfterVersion(actorId, fromVersion, known, hint)));
    if (first.isEmpty()) {
      end();
      return;
    }
    started = true;
    buffer.add(first.get());
    next = first.get().sequence() + 1;
    if (next <= until && limit > 1) {
      request(next, nextSize(1), until);
    }
  }

  private void fetch() {
    if (next > until || events + countEvents() >= limit) {
      endOrSearch();
      return;
    }
    ConsumerFeed current = feed;
    if (current != null) {
      List<StoredMessage> messages = current.take(quietNanos());
      if (messages != null) {
        if (messages.isEmpty()) {
          next = until + 1;
          endOrSearch();
          return;
        }
        next = messages.get(messages.size() - 1).sequence() + 1;
        accept(messages, messages.size());
        return;
      }
      // The consumer failed or went quiet: direct batches from where it stopped.
      closeFeed();
    }
    CompletableFuture<Batch> pending = inFlight;
    if (pending == null) {
      pending = batch(next, nextSize(0), until);
    }
    long from = inFlightFrom;
    int size = inFlightSize;
    inFlight = null;
    Batch batch = context.call(description, once(pending,
        () -> direct.batch(filter, from, size, until)));
    List<StoredMessage> messages = batch.messages();
    int n = messages.size();
    while (n > 0 && messages.get(n - 1).sequence() > until) {
      n--;
    }
    if (n == 0) {
      lagging++;
      if (lagging < LAGGING_ATTEMPTS) {
        return;
      }
      lagging = 0;
      Optional<StoredMessage> fromLeader = context.call(description,
          () -> context.api().nextOn(filter, next));
      if (fromLeader.isEmpty() || fromLeader.get().sequence() > until) {
        endOrSearch();
        return;
      }
      messages = List.of(fromLeader.get());
      n = 1;
    } else {
      lagging = 0;
    }
    next = messages.get(n - 1).sequence() + 1;
    long wanted = limit - events - countEvents();
    if (next <= until && wanted > n) {
      if (!feedTried && batch.numPending() > CONSUMER_THRESHOLD
          && wanted - n > CONSUMER_THRESHOLD) {
        feedTried = true;
        feed = log.feed(actorId, next, until, batchSize);
      } else {
        request(next, nextSize(n), until);
      }
    }
    accept(messages, n);
  }

  /** Buffers the first {@code n} messages, skipping those before the first version. */
  private void accept(List<StoredMessage> messages, int n) {
    for (int i = 0; i < n; i++) {
      Found found = log.decode(messages.get(i));
      if (!started) {
        Event event = found.event();
        if (event == null || event.version() < fromVersion) {
          continue;
        }
        if (event.version() > fromVersion && afterPosition > 0) {
          // The hint skipped events: find the first one the slow way.
          search(requireLatest(), 0);
          return;
        }
        started = true;
      }
      buffer.add(found);
    }
  }

  /** How long the consumer may stay quiet: {@link #QUIET}, or less if the deadline is nearer. */
  private long quietNanos() {
    return Math.max(0, Math.min(QUIET.toNanos(), context.deadline() - System.nanoTime()));
  }

  private void closeFeed() {
    ConsumerFeed current = feed;
    if (current != null) {
      feed = null;
      current.close();
    }
  }

  private int nextSize(long alreadyCounted) {
    long wanted = limit - events - countEvents() - alreadyCounted;
    return (int) Math.max(1, Math.min(batchSize, wanted));
  }

  private long countEvents() {
    long n = 0;
    for (Found found : buffer) {
      if (found.decoded()) {
        n++;
      }
    }
    return n;
  }

  private void request(long from, int size, long upTo) {
    inFlight = batch(from, size, upTo);
  }

  /** Asks for a batch, remembering what was asked for a retry of it. */
  private CompletableFuture<Batch> batch(long from, int size, long upTo) {
    inFlightFrom = from;
    inFlightSize = size;
    return direct.batch(filter, from, size, upTo);
  }

  /** Where the actor ends; only after {@link #ensureLatest} has read it. */
  private Latest requireLatest() {
    Latest known = latest;
    if (known == null) {
      throw new IllegalStateException("the cursor over actor '" + actorId
          + "' searched before it knew where the actor ends");
    }
    return known;
  }

  /** The first attempt answers with {@code first} if there is one, every other asks again. */
  private static <T> Supplier<CompletableFuture<T>> once(@Nullable CompletableFuture<T> first,
      Supplier<CompletableFuture<T>> again) {
    if (first == null) {
      return again;
    }
    boolean[] used = {false};
    return () -> {
      if (!used[0]) {
        used[0] = true;
        return first;
      }
      return again.get();
    };
  }

  /** At the end of the range: done, unless a hint made the cursor miss the first event. */
  private void endOrSearch() {
    if (!started && afterPosition > 0) {
      search(requireLatest(), 0);
    } else {
      end();
    }
  }

  private void end() {
    ended = true;
    cancel();
  }

  private void cancel() {
    closeFeed();
    CompletableFuture<Batch> pending = inFlight;
    if (pending != null) {
      pending.cancel(false);
      inFlight = null;
    }
  }

  /** Drops the batch in flight; its remaining replies are discarded on arrival. */
  @Override
  public void close() {
    end();
    buffer.clear();
    CompletableFuture<Latest> first = latestRequest;
    if (first != null) {
      first.cancel(false);
      latestRequest = null;
    }
  }
}
