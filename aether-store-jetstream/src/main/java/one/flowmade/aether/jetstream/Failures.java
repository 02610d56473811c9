package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import io.nats.client.JetStreamStatusException;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import org.jspecify.annotations.Nullable;

/** The internal failure types of the stores and the translation of jnats failures into them. */
final class Failures {

  private Failures() {}

  /** No answer: a timeout, no responders (no stream leader), a disconnect; writes may or may not
   *  have happened. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean connectionClosed;

    Unreachable(String message, @Nullable Throwable cause, boolean connectionClosed) {
      super(message, cause);
      this.connectionClosed = connectionClosed;
    }

    boolean connectionClosed() {
      return connectionClosed;
    }
  }

  /** The server answered with a JetStream API error. */
  static final class ServerError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;
    private final int errCode;
    private final String description;

    ServerError(int code, int errCode, String description) {
      super("JetStream error " + errCode + " (" + code + "): " + description, null);
      this.code = code;
      this.errCode = errCode;
      this.description = description;
    }

    int code() {
      return code;
    }

    int errCode() {
      return errCode;
    }

    String description() {
      return description;
    }

    boolean isConflict() {
      return JetStreamErrors.isWrongLastSequence(errCode);
    }

    /** Errors that a later attempt may not see: elections, limits on batches in flight. */
    boolean isTransient() {
      return code == 503 || code == 408 || code == 429 || errCode == JetStreamErrors.TEMPORARILY_UNAVAILABLE
          || errCode == JetStreamErrors.BATCH_INCOMPLETE || errCode == JetStreamErrors.BATCH_TOO_MANY_IN_FLIGHT
          || errCode == JetStreamErrors.WRONG_LAST_SEQUENCE_IN_FLIGHT;
    }
  }

  /**
   * Translates what a jnats request future failed with: anything that is not an answer becomes
   * {@link Unreachable}.
   */
  static RuntimeException translate(Throwable failure, Connection connection, Duration timeout) {
    Throwable t = unwrap(failure);
    if (t instanceof Unreachable || t instanceof ServerError) {
      return (RuntimeException) t;
    }
    boolean closed = connection.getStatus() == Connection.Status.CLOSED;
    if (closed) {
      return new Unreachable("the NATS connection is closed", t, true);
    }
    if (t instanceof CancellationException || t instanceof TimeoutException) {
      return new Unreachable("no answer within " + timeout.toMillis()
          + " ms (timeout, no stream leader or reconnecting)", t, false);
    }
    if (t instanceof JetStreamStatusException || t instanceof IOException
        || t instanceof IllegalStateException) {
      return new Unreachable("no answer: " + t.getMessage(), t, false);
    }
    if (t instanceof RuntimeException r) {
      return r;
    }
    return new Unreachable("no answer: " + t, t, false);
  }

  static Throwable unwrap(Throwable t) {
    Throwable current = t;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }
}
