package one.flowmade.aether;

import java.util.List;
import java.util.Objects;

/**
 * The events a read returned, the messages it had to skip because they could not be decoded, and
 * where to continue.
 *
 * <p>Immutable and thread-safe.
 *
 * @param events the events, in order
 * @param undecodable messages within the range read that could not be decoded, in order
 * @param next where a following read continues: after the last message examined, decodable or
 *     not
 */
public record ReadResult(List<Event> events, List<UndecodableEvent> undecodable, Position next) {

  /**
   * Copies the lists.
   *
   * @throws NullPointerException if an argument is null
   */
  public ReadResult {
    events = List.copyOf(events);
    undecodable = List.copyOf(undecodable);
    Objects.requireNonNull(next, "next");
  }

  /**
   * Returns whether neither events nor undecodable messages were found.
   *
   * @return true when the range was empty
   */
  public boolean isEmpty() {
    return events.isEmpty() && undecodable.isEmpty();
  }
}
