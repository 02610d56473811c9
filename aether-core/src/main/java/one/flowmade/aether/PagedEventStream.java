package one.flowmade.aether;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The {@link EventStream} every store has by default: pages of {@link EventStore#read(String,
 * long, int, long, Deadline)}, each started after the last message the previous one examined.
 * Holds one page. Not thread-safe.
 */
final class PagedEventStream implements EventStream {

  private final EventStore store;
  private final String actorId;
  private final int pageSize;
  private final Deadline deadline;
  private final List<UndecodableEvent> undecodable = new ArrayList<>();
  private Iterator<Event> page = List.<Event>of().iterator();
  private long fromVersion;
  private long afterPosition;
  private boolean last;
  private boolean closed;

  PagedEventStream(EventStore store, String actorId, long fromVersion, long afterPosition,
      int pageSize, Deadline deadline) {
    this.store = store;
    this.actorId = actorId;
    this.fromVersion = fromVersion;
    this.afterPosition = afterPosition;
    this.pageSize = pageSize;
    this.deadline = deadline;
  }

  @Override
  public boolean hasNext() {
    if (closed) {
      throw new IllegalStateException("the event stream of actor '" + actorId + "' is closed");
    }
    while (!page.hasNext() && !last) {
      ReadResult result = store.read(actorId, fromVersion, pageSize, afterPosition, deadline);
      undecodable.addAll(result.undecodable());
      List<Event> events = result.events();
      if (events.size() < pageSize) {
        last = true;
      }
      if (!events.isEmpty()) {
        Event end = events.get(events.size() - 1);
        fromVersion = end.version() + 1;
        afterPosition = end.position();
      }
      if (result.next() instanceof Position.At at && at.position() - 1 > afterPosition) {
        afterPosition = at.position() - 1;
      }
      page = events.iterator();
    }
    return page.hasNext();
  }

  @Override
  public Event next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more events of actor '" + actorId + "'");
    }
    return page.next();
  }

  @Override
  public List<UndecodableEvent> undecodable() {
    return List.copyOf(undecodable);
  }

  @Override
  public void close() {
    closed = true;
    page = List.<Event>of().iterator();
  }
}
