package one.flowmade.aether.verification.history;

import java.util.List;
import java.util.Objects;

/**
 * One read of an actor's events from version 1: what it returned and when.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the operation's id, unique within the run
 * @param process the process that made it
 * @param actorId the actor read
 * @param invoked when it was invoked
 * @param completed when it completed, or null if its process died first
 * @param outcome the outcome
 * @param eventIds for an {@link Outcome#OK} read, the ids of the events returned, version 1 first
 * @param error what failed, or null
 */
public record ReadOp(
    String id,
    String process,
    String actorId,
    Moment invoked,
    Moment completed,
    Outcome outcome,
    List<String> eventIds,
    String error) implements HistoryEntry {

  /**
   * Validates the operation.
   *
   * @throws IllegalArgumentException if the fields contradict each other
   */
  public ReadOp {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(invoked, "invoked");
    Objects.requireNonNull(outcome, "outcome");
    eventIds = List.copyOf(eventIds);
    if (completed == null && outcome != Outcome.UNKNOWN) {
      throw new IllegalArgumentException("read " + id + " has no completion but is " + outcome);
    }
  }

  /**
   * Records the invocation of a read.
   *
   * @param id the operation id
   * @param process the process
   * @param actorId the actor
   * @param invoked when it was invoked
   * @return the read, in flight
   */
  public static ReadOp invoke(String id, String process, String actorId, Moment invoked) {
    return new ReadOp(id, process, actorId, invoked, null, Outcome.UNKNOWN, List.of(), null);
  }

  /**
   * Returns this read completed with the events it returned.
   *
   * @param at when it completed
   * @param ids the event ids returned, version 1 first
   * @return the completed read
   */
  public ReadOp ok(Moment at, List<String> ids) {
    return new ReadOp(id, process, actorId, invoked, at, Outcome.OK, ids, null);
  }

  /**
   * Returns this read failed.
   *
   * @param at when it completed
   * @param why the error
   * @return the completed read
   */
  public ReadOp failed(Moment at, String why) {
    return new ReadOp(id, process, actorId, invoked, at, Outcome.FAILED, List.of(), why);
  }

  @Override
  public Moment start() {
    return invoked;
  }

  @Override
  public String describe(Moment origin) {
    return process + ' ' + id + " read actor='" + actorId + "' invoked=" + invoked.relativeTo(origin)
        + " completed=" + (completed == null ? "never" : completed.relativeTo(origin)) + " -> "
        + outcome + (outcome == Outcome.OK ? " " + eventIds.size() + " events " + eventIds : "")
        + (error == null ? "" : " (" + error + ")");
  }
}
