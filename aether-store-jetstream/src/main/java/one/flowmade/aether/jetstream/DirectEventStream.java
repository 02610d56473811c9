package one.flowmade.aether.jetstream;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Event;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.jetstream.EventLog.Found;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor's events pulled through an {@link ActorCursor}: batches of batched direct gets, one
 * ahead of the reader, and for a long read pulls of a short-lived consumer, at most two unread;
 * so a bounded number of events is held. Not thread-safe.
 */
final class DirectEventStream implements EventStream {

  private static final Logger LOG = LoggerFactory.getLogger(DirectEventStream.class);

  private final StoreContext context;
  private final ActorCursor cursor;
  private final String actorId;
  private final Deadline deadline;
  private final List<UndecodableEvent> undecodable = new ArrayList<>();
  private final Tracing.Operation span;
  private final long start;
  /** The event {@link #next()} returns, once {@link #hasNext()} has read it. */
  private @Nullable Event next;
  private boolean ended;
  private boolean closed;
  private int count;
  /** What made a read fail, for the span and meters; null while none has. */
  private @Nullable RuntimeException failure;

  /**
   * Opens the stream; the read's span ({@code aether.read}) and its meters cover the stream from
   * here to {@link #close()}, as they cover one {@code read} call.
   */
  DirectEventStream(StoreContext context, ActorCursor cursor, String actorId, long fromVersion,
      Deadline deadline) {
    this.context = context;
    this.cursor = cursor;
    this.actorId = actorId;
    this.deadline = deadline;
    this.start = context.metrics().start();
    this.span = context.tracing().start("aether.read", Tracing.Kind.CLIENT, null)
        .attribute("aether.namespace", context.namespace().name())
        .attribute("aether.actor.id", actorId)
        .attribute("aether.actor.from_version", fromVersion);
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("the event stream of actor '" + actorId + "' is closed");
    }
    context.checkOpen();
    if (next != null) {
      return true;
    }
    if (ended) {
      return false;
    }
    try {
      context.within(deadline, () -> {
        Found found;
        while ((found = cursor.next()) != null) {
          Event event = found.event();
          if (event != null) {
            next = event;
            count++;
            return null;
          }
          LOG.warn("skipping an undecodable message: {}", found.decodingError().getMessage());
          undecodable.add(found.undecodable());
        }
        ended = true;
        return null;
      });
    } catch (RuntimeException e) {
      failure = e;
      throw e;
    }
    return next != null;
  }

  @Override
  public Event next() {
    Event event = hasNext() ? next : null;
    if (event == null) {
      throw new NoSuchElementException("no more events of actor '" + actorId + "'");
    }
    next = null;
    return event;
  }

  @Override
  public List<UndecodableEvent> undecodable() {
    return List.copyOf(undecodable);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      next = null;
      try {
        cursor.close();
      } finally {
        context.metrics().read("actor", start, count, failure);
        span.attribute("aether.event.count", count);
        RuntimeException failed = failure;
        if (failed != null) {
          span.failed(failed);
        }
        span.end();
      }
    }
  }
}
