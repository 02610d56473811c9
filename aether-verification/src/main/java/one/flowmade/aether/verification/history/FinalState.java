package one.flowmade.aether.verification.history;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the store held at the end of a run, read back by a fresh client: every event of the
 * namespace, in position order.
 *
 * <p>Immutable and thread-safe.
 *
 * @param events every stored event, in position order
 */
public record FinalState(List<StoredEvent> events) {

  /**
   * Copies the events and sorts them by position.
   *
   * @throws NullPointerException if {@code events} is null
   */
  public FinalState {
    List<StoredEvent> sorted = new ArrayList<>(events);
    sorted.sort(Comparator.comparingLong(StoredEvent::position));
    events = List.copyOf(sorted);
  }

  /**
   * Returns an empty state.
   *
   * @return a state with no events
   */
  public static FinalState empty() {
    return new FinalState(List.of());
  }

  /**
   * Returns a state with the given events.
   *
   * @param events the events
   * @return the state
   */
  public static FinalState of(StoredEvent... events) {
    return new FinalState(List.of(events));
  }

  /**
   * Returns the stored events per actor, each list in the order found in the namespace.
   *
   * @return actor id to its events, sorted by actor id
   */
  public Map<String, List<StoredEvent>> byActor() {
    Map<String, List<StoredEvent>> out = new TreeMap<>();
    for (StoredEvent e : events) {
      out.computeIfAbsent(e.actorId(), a -> new ArrayList<>()).add(e);
    }
    return out;
  }
}
