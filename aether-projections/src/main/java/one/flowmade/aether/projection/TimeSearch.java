package one.flowmade.aether.projection;

import java.time.Instant;
import java.util.List;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Position;

/** Finds positions by event time, for resets to a time. Stateless. */
final class TimeSearch {
  private TimeSearch() {}

  /**
   * Returns the last position before the first event at or after {@code time}, by binary search
   * over the namespace; assumes timestamps grow with position.
   */
  static long lastBefore(EventStore store, Instant time) {
    long lo = 1;
    long hi = store.lastPosition() + 1;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      List<Event> events = store.readAll(Position.at(mid), 1).events();
      if (events.isEmpty()) {
        hi = mid;
      } else if (events.get(0).timestamp().isBefore(time)) {
        lo = events.get(0).position() + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }
}
