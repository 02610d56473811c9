package one.flowmade.aether.jetstream;

import io.nats.client.Message;
import io.nats.client.NUID;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A short-lived pull consumer reading one actor's messages for one {@link ActorCursor}, for reads
 * too long for batched direct gets: consumer delivery costs the server far less per message than a
 * direct get. The consumer is created by request ({@code $JS.API.CONSUMER.CREATE.<stream>.<name>},
 * filter on the actor's subjects, from a stream sequence, no acks, in memory, one replica, dropped
 * by the server after {@link #INACTIVE} without pulls in case the client dies), pulled with up to
 * two batches in flight so the cursor holds a bounded number of messages, and deleted ({@code
 * CONSUMER.DELETE}, not waited for) when the feed is closed.
 *
 * <p>Deliveries arrive on the store's {@link ReplyInbox}; the stream and consumer sequences come
 * from the delivery's reply subject. The feed ends at {@code until}, a sequence the stream leader
 * reported: a message after it is never handed on, and a consumer served by a lagging replica is
 * waited for until it delivers it. Anything unexpected (a refused create, a status other than an
 * expired pull, a gap in the consumer sequence) fails the feed, and the cursor reads on with
 * direct gets from where the feed stopped.
 *
 * <p>Thread-safe: deliveries on the dispatcher thread, {@link #take} on the reader's.
 */
final class ConsumerFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerFeed.class);

  /** The server deletes the consumer after this long without a pull (a client that died). */
  static final Duration INACTIVE = Duration.ofSeconds(10);
  private static final Duration PULL_EXPIRES = Duration.ofSeconds(30);
  private static final int HEARTBEAT = 100;
  /** Deliveries that wake a waiting reader at once. */
  private static final int WAKE_AT = 256;
  private static final int NOT_FOUND = 404;
  private static final int EXPIRED = 408;

  private final JsApi api;
  private final ReplyInbox replies;
  private final String filter;
  private final String name;
  private final String nextSubject;
  private final long until;
  private final int batch;
  private final byte[] pullRequest;
  private final CompletableFuture<Void> created;

  // Guarded by this.
  private ArrayList<StoredMessage> arrived = new ArrayList<>();
  /** Messages asked for by pulls and not delivered yet (nor expired). */
  private long requested;
  /** The pulls not fully delivered yet, oldest first (the server serves them in order). */
  private final ArrayDeque<Pull> open = new ArrayDeque<>();
  private @Nullable RuntimeException failure;
  private boolean reachedEnd;
  private boolean waiting;
  private boolean closed;
  private long lastStream;
  private long lastDelivered;

  /**
   * Starts creating the consumer (from {@code fromSequence}) and pulling; returns at once.
   *
   * @param until the last sequence to hand on, from the stream leader
   * @param batch the messages per pull; at most two pulls are unread at a time
   */
  ConsumerFeed(JsApi api, ReplyInbox replies, String filter, long fromSequence, long until,
      int batch) {
    this.api = api;
    this.replies = replies;
    this.filter = filter;
    this.until = until;
    this.batch = batch;
    this.name = "aether-read-" + NUID.nextGlobal();
    String stream = api.stream();
    this.nextSubject = "$JS.API.CONSUMER.MSG.NEXT." + stream + "." + name;
    this.lastStream = fromSequence - 1;
    this.pullRequest = ("{\"batch\":" + batch + ",\"expires\":" + PULL_EXPIRES.toNanos() + "}")
        .getBytes(StandardCharsets.UTF_8);
    StringBuilder config = new StringBuilder(256 + filter.length())
        .append("{\"stream_name\":\"").append(stream)
        .append("\",\"config\":{\"name\":\"").append(name)
        .append("\",\"deliver_policy\":\"by_start_sequence\",\"opt_start_seq\":")
        .append(Math.max(1, fromSequence))
        .append(",\"ack_policy\":\"none\",\"replay_policy\":\"instant\",\"filter_subject\":\"");
    DirectGets.appendJsonString(config, filter);
    config.append("\",\"inactive_threshold\":").append(INACTIVE.toNanos())
        .append(",\"num_replicas\":1,\"mem_storage\":true}}");
    replies.registerConsumer(name, new Deliveries());
    Message create = NatsMessage.builder()
        .subject("$JS.API.CONSUMER.CREATE." + stream + "." + name)
        .data(config.toString().getBytes(StandardCharsets.UTF_8)).build();
    this.created = api.request(create).thenAccept(reply -> {
      ConsumerInfo info = new ConsumerInfo(reply);
      if (info.hasError()) {
        throw new Failures.ServerError(info.getErrorCode(), info.getApiErrorCode(),
            info.getDescription());
      }
    });
    created.whenComplete((ok, e) -> {
      if (e != null) {
        fail(new IllegalStateException("creating a consumer on '" + filter + "' failed: "
            + Failures.unwrap(e), Failures.unwrap(e)));
      } else {
        pull();
      }
    });
  }

  /** The consumer's name on the server. */
  String name() {
    return name;
  }

  /**
   * Returns the messages delivered since the last call, waiting up to {@code waitNanos} for at
   * least one; an empty list when nothing up to {@code until} is left; null when the feed failed
   * or stayed quiet that long (the reason is logged), so the caller reads on another way.
   */
  @Nullable List<StoredMessage> take(long waitNanos) {
    List<StoredMessage> taken;
    synchronized (this) {
      long end = System.nanoTime() + waitNanos;
      boolean waited = false;
      // The reader is woken for every WAKE_AT messages, not for each: a reader faster than the
      // deliveries would otherwise switch threads once per message. Fewer are taken after a
      // short wait, so a slow trickle is not held back.
      while (arrived.size() < WAKE_AT && !(waited && !arrived.isEmpty())
          && failure == null && !reachedEnd) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          if (!arrived.isEmpty()) {
            break;
          }
          LOG.info("the consumer reading '{}' delivered nothing for {} ms; reading on with direct"
              + " gets after position {}", filter, waitNanos / 1_000_000, lastStream);
          return null;
        }
        boolean some = !arrived.isEmpty();
        waiting = true;
        try {
          wait(some ? 1 : Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new Failures.Unreachable("interrupted while reading", e, false);
        } finally {
          waiting = false;
        }
        waited = some;
      }
      if (arrived.isEmpty()) {
        RuntimeException failed = failure;
        if (failed != null) {
          LOG.info("the consumer reading '{}' stopped ({}); reading on with direct gets after"
              + " position {}", filter, failed.getMessage(), lastStream);
          return null;
        }
        return List.of();
      }
      taken = arrived;
      arrived = new ArrayList<>(taken.size());
    }
    pull();
    return taken;
  }

  /** Sends pulls until two batches are asked for or unread. */
  private void pull() {
    while (true) {
      Pull pull;
      synchronized (this) {
        if (closed || failure != null || reachedEnd || requested + arrived.size() > batch) {
          return;
        }
        requested += batch;
        pull = new Pull();
        pull.reply = replies.register(pull);
        open.add(pull);
      }
      try {
        replies.connection().publish(nextSubject, pull.reply, pullRequest);
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
    }
  }

  private synchronized void fail(RuntimeException why) {
    if (failure == null && !closed) {
      failure = why;
    }
    wake();
  }

  private void wake() {
    if (waiting) {
      notifyAll();
    }
  }

  /** Drops the unread messages and deletes the consumer; idempotent, does not block. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      open.forEach(p -> replies.unregister(p.reply));
      open.clear();
      replies.unregisterConsumer(name);
      arrived = new ArrayList<>();
      wake();
    }
    created.whenComplete((ok, e) -> {
      if (e == null) {
        delete();
      }
    });
  }

  private void delete() {
    Message delete = NatsMessage.builder()
        .subject("$JS.API.CONSUMER.DELETE." + api.stream() + "." + name).build();
    api.request(delete).whenComplete((reply, e) -> {
      if (e != null) {
        LOG.warn("deleting consumer '{}' of stream '{}' failed (the server drops it after {} s"
            + " without pulls): {}", name, api.stream(), INACTIVE.toSeconds(),
            Failures.unwrap(e).toString());
      }
    });
  }

  /**
   * Returns the {@code index}th dot-separated token of {@code s} as a number, or -1 if it is not
   * one.
   */
  static long token(String s, int index) {
    int start = 0;
    for (int i = 0; i < index; i++) {
      start = s.indexOf('.', start) + 1;
      if (start == 0) {
        return -1;
      }
    }
    long value = 0;
    int i = start;
    for (; i < s.length() && s.charAt(i) != '.'; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9' || i - start > 18) {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return i == start ? -1 : value;
  }

  /** The number of dot-separated tokens of {@code s}. */
  static int tokens(String s) {
    int n = 1;
    for (int i = s.indexOf('.'); i >= 0; i = s.indexOf('.', i + 1)) {
      n++;
    }
    return n;
  }

  private synchronized void delivered(Message message) {
    if (closed || failure != null) {
      return;
    }
    String ack = message.getReplyTo();
    // $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>, or
    // with <domain>.<account hash> after ACK (and a random token at the end).
    int offset = ack == null ? -1 : tokens(ack) == 9 ? 0 : 2;
    long sequence = offset < 0 ? -1 : token(ack, 5 + offset);
    long consumerSequence = offset < 0 ? -1 : token(ack, 6 + offset);
    if (sequence < 1 || consumerSequence != lastDelivered + 1 || sequence <= lastStream) {
      fail(new IllegalStateException("unexpected delivery " + ack + " after consumer sequence "
          + lastDelivered + " and position " + lastStream));
      return;
    }
    lastDelivered = consumerSequence;
    lastStream = sequence;
    requested--;
    Pull pull = open.peek();
    if (pull != null && ++pull.delivered == batch) {
      open.poll();
      replies.unregister(pull.reply);
    }
    if (sequence <= until) {
      arrived.add(new StoredMessage(message.getSubject(), sequence, message.getHeaders(),
          message.getData()));
    }
    if (sequence >= until) {
      reachedEnd = true;
    }
    if (arrived.size() >= WAKE_AT || reachedEnd || arrived.size() == 1) {
      wake();
    }
  }

  private synchronized void status(Pull pull, Message message) {
    int code = message.getStatus().getCode();
    if (code == HEARTBEAT) {
      return;
    }
    if (code == EXPIRED || code == NOT_FOUND) {
      if (open.remove(pull)) {
        requested -= batch - pull.delivered;
      }
      replies.unregister(pull.reply);
      wake();
    } else {
      fail(new IllegalStateException("consumer status " + code + " "
          + message.getStatus().getMessage()));
    }
  }

  /** One pull request's statuses; called on the dispatcher thread. */
  private final class Pull implements ReplyInbox.Receiver {
    String reply = "";
    int delivered;

    @Override
    public void onMessage(Message message) {
      if (message.isStatusMessage()) {
        status(this, message);
        pull(); // an expired pull is asked again
      }
    }

    @Override
    public void closed(RuntimeException why) {
      fail(why);
    }
  }

  /** The consumer's deliveries; called on the dispatcher thread. */
  private final class Deliveries implements ReplyInbox.Receiver {
    @Override
    public void onMessage(Message message) {
      delivered(message);
    }

    @Override
    public void closed(RuntimeException why) {
      fail(why);
    }
  }
}
