package one.flowmade.aether.jetstream;

import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.jetstream.EventLog.Found;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An actor's events pulled through an {@link ActorCursor}: batches of batched direct gets, one
 * ahead of the reader, so at most two batches are held. Not thread-safe.
 */
final class DirectEventStream implements EventStream {

  private static final Logger LOG = LoggerFactory.getLogger(DirectEventStream.class);

  private final StoreContext context;
  private final ActorCursor cursor;
  private final String actorId;
  private final Deadline deadline;
  private final List<UndecodableEvent> undecodable = new ArrayList<>();
  private Event next;
  private boolean ended;
  private boolean closed;

  DirectEventStream(StoreContext context, ActorCursor cursor, String actorId,
      Deadline deadline) {
    this.context = context;
    this.cursor = cursor;
    this.actorId = actorId;
    this.deadline = deadline;
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
    context.within(deadline, () -> {
      Found found;
      while ((found = cursor.next()) != null) {
        if (found.decoded()) {
          next = found.event();
          return null;
        }
        LOG.warn("skipping an undecodable message: {}", found.error().getMessage());
        undecodable.add(found.undecodable());
      }
      ended = true;
      return null;
    });
    return next != null;
  }

  @Override
  public Event next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more events of actor '" + actorId + "'");
    }
    Event event = next;
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
      cursor.close();
    }
  }
}
