package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import one.flowmade.aether.jetstream.Failures.ServerError;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import one.flowmade.aether.nats.internal.PermissionViolations;
import org.jspecify.annotations.Nullable;

/**
 * ADR-31 batched direct gets, which jnats has no API for: one request to {@code
 * $JS.API.DIRECT.GET.<stream>} with {@code seq}, {@code batch}, {@code next_by_subj} and {@code
 * up_to_seq} returns up to {@code batch} messages on a subject filter, one reply each, then an
 * end-of-batch status (204 {@code EOB}, with {@code Nats-Num-Pending}). Replies arrive on the
 * store's {@link ReplyInbox}, whose dispatcher thread only collects them; decoding is left to the
 * reader.
 *
 * <p>Any replica of the stream (or a mirror) may answer, so a batch may end before messages that
 * the stream leader has acknowledged: callers bound every read by a sequence the leader gave them
 * and ask again (or ask the leader) until they have seen it. Thread-safe; closing the inbox fails
 * the requests in flight.
 */
final class DirectGets {

  static final String SEQUENCE = "Nats-Sequence";
  static final String SUBJECT = "Nats-Subject";
  static final String NUM_PENDING = "Nats-Num-Pending";
  private static final int END_OF_BATCH = 204;
  private static final int NOT_FOUND = 404;

  /** The messages of one batch, in stream order, and how many more match on the replica. */
  record Batch(List<StoredMessage> messages, long numPending) {
    long lastSequence() {
      return messages.isEmpty() ? 0 : messages.get(messages.size() - 1).sequence();
    }
  }

  private final Connection connection;
  private final ReplyInbox replies;
  private final String apiSubject;
  private final String stream;
  private final Duration timeout;

  DirectGets(ReplyInbox replies, String stream, Duration timeout) {
    this.replies = replies;
    this.connection = replies.connection();
    this.stream = stream;
    this.apiSubject = "$JS.API.DIRECT.GET." + stream;
    this.timeout = timeout;
  }

  /**
   * Asks for up to {@code count} messages on {@code filter} from {@code fromSequence} on, none
   * after {@code upToSequence} (0: no bound). Never blocks; the future fails with {@link
   * Unreachable} when no end of batch arrives within the request timeout, or {@link ServerError}
   * when the server refuses the request.
   */
  CompletableFuture<Batch> batch(String filter, long fromSequence, int count, long upToSequence) {
    Pending request = new Pending(upToSequence);
    String reply;
    try {
      reply = replies.register(request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Failures.translate(e, connection, timeout));
    }
    StringBuilder json = new StringBuilder(96 + filter.length())
        .append("{\"seq\":").append(Math.max(1, fromSequence))
        .append(",\"batch\":").append(Math.max(1, count))
        .append(",\"next_by_subj\":\"");
    appendJsonString(json, filter);
    json.append('"');
    if (upToSequence > 0) {
      json.append(",\"up_to_seq\":").append(upToSequence);
    }
    json.append('}');
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      connection.publish(apiSubject, reply, json.toString().getBytes(StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      replies.unregister(reply);
      return CompletableFuture.failedFuture(Failures.translate(e, connection, timeout));
    }
    CompletableFuture<Batch> result = request.future
        .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS)
        .handle((batch, failure) -> {
          replies.unregister(reply);
          if (failure == null) {
            return batch;
          }
          Throwable cause = Failures.unwrap(failure);
          if (cause instanceof TimeoutException) {
            mark.refusal("read stream '" + stream + "' with direct gets", apiSubject)
                .ifPresent(refused -> {
                  throw refused;
                });
            throw new Unreachable("no end of batch from a direct get on stream '" + stream
                + "' within " + timeout.toMillis() + " ms", cause,
                connection.getStatus() == Connection.Status.CLOSED);
          }
          throw Failures.translate(cause, connection, timeout);
        });
    // A cancelled read stops collecting: the batch's remaining replies are dropped on arrival.
    result.whenComplete((batch, failure) -> replies.unregister(reply));
    return result;
  }

  private void onReply(Pending request, Message message) {
    if (message.isStatusMessage()) {
      int code = message.getStatus().getCode();
      if (code == END_OF_BATCH) {
        request.future.complete(new Batch(request.messages,
            longHeader(message.getHeaders(), NUM_PENDING, 0)));
      } else if (code == NOT_FOUND) {
        request.future.complete(new Batch(request.messages, 0));
      } else if (code == 503) {
        request.future.completeExceptionally(new Unreachable("no responders for direct gets"
            + " on stream '" + stream + "' (no replica is ready)", null, false));
      } else {
        request.future.completeExceptionally(new ServerError(code, 0,
            "direct get on stream '" + stream + "': " + message.getStatus().getMessage()));
      }
      return;
    }
    Headers headers = message.getHeaders();
    long sequence = longHeader(headers, SEQUENCE, -1);
    String subject = headers == null ? null : headers.getFirst(SUBJECT);
    if (sequence < 1 || subject == null) {
      request.future.completeExceptionally(new ServerError(500, 0, "direct get reply on stream '"
          + stream + "' without " + SEQUENCE + " or " + SUBJECT));
      return;
    }
    if (request.upTo == 0 || sequence <= request.upTo) {
      request.messages.add(new StoredMessage(subject, sequence, headers, message.getData()));
    }
  }

  /** Appends a subject filter to a JSON string literal being built, escaping quotes. */
  static void appendJsonString(StringBuilder json, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        json.append('\\');
      }
      json.append(c);
    }
  }

  private static long longHeader(@Nullable Headers headers, String name, long otherwise) {
    String value = headers == null ? null : headers.getFirst(name);
    if (value == null) {
      return otherwise;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  /** One request's replies so far; written only by the dispatcher thread. */
  private final class Pending implements ReplyInbox.Receiver {
    final long upTo;
    final List<StoredMessage> messages = new ArrayList<>();
    final CompletableFuture<Batch> future = new CompletableFuture<>();

    Pending(long upTo) {
      this.upTo = upTo;
    }

    @Override
    public void onMessage(Message message) {
      onReply(this, message);
    }

    @Override
    public void closed(RuntimeException why) {
      future.completeExceptionally(why);
    }
  }
}
