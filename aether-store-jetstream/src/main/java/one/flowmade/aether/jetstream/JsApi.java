package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.MessageGetRequest;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.jetstream.Failures.ServerError;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;

/**
 * The JetStream API requests the stores make themselves, without blocking: publishes with
 * headers jnats has no API for, and {@code STREAM.MSG.GET}, which the stream leader answers (so a
 * read after an acknowledged write sees it, also on replicated streams; batched direct gets, which
 * a lagging replica may answer, are in {@link DirectGets}, bounded by what the leader answers
 * here). Thread-safe.
 */
final class JsApi {

  private static final String API = "$JS.API.";

  private final Connection connection;
  private final String stream;
  private final Duration timeout;
  private final String msgGetSubject;

  JsApi(Connection connection, String stream, Duration timeout) {
    this.connection = connection;
    this.stream = stream;
    this.timeout = timeout;
    this.msgGetSubject = API + "STREAM.MSG.GET." + stream;
  }

  String stream() {
    return stream;
  }

  Duration timeout() {
    return timeout;
  }

  Connection connection() {
    return connection;
  }

  /** Sends a request; the future fails with {@link Unreachable} when no answer comes. */
  CompletableFuture<Message> request(Message message) {
    CompletableFuture<Message> sent;
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      // jnats enforces a request's timeout only when its cleanup timer runs (every 5 s by
      // default), so the store bounds the wait itself.
      sent = connection.requestWithTimeout(message, timeout)
          .orTimeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(Failures.translate(e, connection, timeout));
    }
    return sent.handle((reply, failure) -> {
      if (failure != null) {
        RuntimeException translated = Failures.translate(failure, connection, timeout);
        if (translated instanceof Unreachable u && !u.connectionClosed()) {
          mark.refusal("use stream '" + stream + "'", message.getSubject())
              .ifPresent(refused -> {
                throw refused;
              });
        }
        throw translated;
      }
      if (reply.isStatusMessage()) {
        throw new Unreachable("status " + reply.getStatus().getCode() + " "
            + reply.getStatus().getMessage(), null, false);
      }
      return reply;
    });
  }

  /** Publishes without waiting for an answer (batch members before the commit). */
  void publish(Message message) {
    try {
      connection.publish(message);
    } catch (RuntimeException e) {
      throw Failures.translate(e, connection, timeout);
    }
  }

  /** Gets a stored message from the stream leader; empty if there is none. */
  CompletableFuture<Optional<StoredMessage>> get(MessageGetRequest request) {
    Message message = NatsMessage.builder().subject(msgGetSubject)
        .data(request.toJson().getBytes(StandardCharsets.UTF_8)).build();
    return request(message).thenApply(JsApi::parseGet);
  }

  CompletableFuture<Optional<StoredMessage>> getSequence(long sequence) {
    return get(MessageGetRequest.forSequence(sequence));
  }

  CompletableFuture<Optional<StoredMessage>> lastOn(String filter) {
    return get(MessageGetRequest.lastForSubject(filter));
  }

  /** The first message on {@code filter} at or after {@code sequence}. */
  CompletableFuture<Optional<StoredMessage>> nextOn(String filter, long sequence) {
    return get(MessageGetRequest.nextForSubject(Math.max(1, sequence), filter));
  }

  private static Optional<StoredMessage> parseGet(Message reply) {
    MessageInfo info = new MessageInfo(reply, null, false);
    if (info.hasError()) {
      if (info.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
        return Optional.empty();
      }
      throw new ServerError(info.getErrorCode(), info.getApiErrorCode(), info.getDescription());
    }
    return Optional.of(StoredMessage.of(info));
  }
}
