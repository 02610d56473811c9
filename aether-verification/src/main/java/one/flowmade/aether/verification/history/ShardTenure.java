package one.flowmade.aether.verification.history;

import java.util.Objects;

/**
 * One stretch of time during which a node owned a shard: from the {@code acquired} callback to the
 * last moment the node knew it still owned the shard.
 *
 * <p>For a shard handed over ({@link Status#RELEASED}) the end is when the {@code released}
 * callback ran: the next owner starts only after it returned. For a shard lost with the node's
 * membership ({@link Status#LOST}) or still owned when the log ends ({@link Status#OPEN}) it is the
 * last confirmation that the shard was active on the node, taken before the check.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the entry's id, unique within the run
 * @param process the owner's process
 * @param shard the shard
 * @param epoch the epoch of the assignment under which it was acquired
 * @param start when the {@code acquired} callback ran
 * @param end the last moment the node knew it owned the shard
 * @param status whether and how the tenure ended
 */
public record ShardTenure(
    String id, String process, int shard, long epoch, Moment start, Moment end, Status status)
    implements HistoryEntry {

  /** How a tenure ended. */
  public enum Status {
    /** Still owned when the process's log ends. */
    OPEN,
    /** Handed over: the {@code released} callback returned. */
    RELEASED,
    /** Lost with the node's membership. */
    LOST
  }

  /**
   * Validates the tenure.
   *
   * @throws IllegalArgumentException if it ends before it starts or the shard is negative
   */
  public ShardTenure {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    Objects.requireNonNull(status, "status");
    if (shard < 0) {
      throw new IllegalArgumentException("shard must not be negative, was " + shard);
    }
    if (end.isBefore(start)) {
      throw new IllegalArgumentException("tenure " + id + " ends before it starts");
    }
  }

  /**
   * Returns a copy that ends later or differently.
   *
   * @param newEnd the new end
   * @param newStatus the new status
   * @return the copy
   */
  public ShardTenure withEnd(Moment newEnd, Status newStatus) {
    return new ShardTenure(id, process, shard, epoch, start, newEnd, newStatus);
  }

  /**
   * Returns whether this tenure and another share a moment.
   *
   * @param other another tenure
   * @return true if their intervals intersect
   */
  public boolean overlaps(ShardTenure other) {
    return !end.isBefore(other.start) && !other.end.isBefore(start);
  }

  @Override
  public String describe(Moment origin) {
    return process + ' ' + id + " shard " + shard + " epoch " + epoch + " owned from "
        + start.relativeTo(origin) + " to " + end.relativeTo(origin) + " (" + status + ")";
  }
}
