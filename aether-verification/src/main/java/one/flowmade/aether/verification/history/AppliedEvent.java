package one.flowmade.aether.verification.history;

import java.util.Objects;

/**
 * One application of a stored event by a projection's handler, as the read model recorded it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param seq the order in which the read model recorded the applications, increasing (a
 *     database sequence: for effects committed in one partition, the order they were applied in)
 * @param eventId the applied event's id
 * @param actorId its actor
 * @param version its version
 * @param position its position in the namespace
 * @param partition the projection partition that applied it
 * @param epoch the owner epoch under which the applying node held the partition
 * @param node the cluster node that applied it (the same for every incarnation)
 * @param process the node's process, such as {@code p2#3}
 */
public record AppliedEvent(long seq, String eventId, String actorId, long version, long position,
    int partition, long epoch, String node, String process) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a string field is null
   */
  public AppliedEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(process, "process");
  }

  /**
   * Describes the application on one line.
   *
   * @return the description
   */
  public String describe() {
    return "applied #" + seq + " actor='" + actorId + "' v" + version + " event=" + eventId
        + " position=" + position + " partition=" + partition + " epoch=" + epoch + " by "
        + process;
  }
}
