package one.flowmade.aether.verification.history;

import java.util.Objects;

/**
 * One term of leadership as the leader saw it: from when it was told it was elected to the last
 * moment it confirmed the term still valid before acting as leader.
 *
 * <p>The end is the last confirmation, not the moment the node was told it had lost the term: a
 * paused node hears that only when it wakes up, long after it stopped acting. Each confirmation's
 * moment is taken before the validity check, so the node held the term at that moment.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the entry's id, unique within the run
 * @param process the leader's process
 * @param token the term's fencing token
 * @param start when the node learnt that it leads
 * @param end the last moment it confirmed that it still led
 */
public record LeaderTerm(String id, String process, long token, Moment start, Moment end)
    implements HistoryEntry {

  /**
   * Validates the term.
   *
   * @throws IllegalArgumentException if it ends before it starts
   */
  public LeaderTerm {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("term " + id + " ends before it starts");
    }
  }

  /**
   * Returns the id a process uses for its term with a token.
   *
   * @param process the process
   * @param token the fencing token
   * @return the id
   */
  public static String idOf(String process, long token) {
    return process + "/term/" + token;
  }

  /**
   * Returns whether this term and another share a moment.
   *
   * @param other another term
   * @return true if their intervals intersect
   */
  public boolean overlaps(LeaderTerm other) {
    return !end.isBefore(other.start) && !other.end.isBefore(start);
  }

  @Override
  public String describe(Moment origin) {
    return process + ' ' + id + " leader token=" + token + " from " + start.relativeTo(origin)
        + " to " + end.relativeTo(origin);
  }
}
