package one.flowmade.aether.verification.history;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import one.flowmade.aether.ExpectedVersion;

/**
 * One logical append: an actor, the expected version, the ids of the events appended, when it was
 * invoked and completed, and its outcome. Retries of an append whose outcome was unknown belong to
 * the same logical append (same event ids); its window runs from the first invocation to the last
 * completion.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the operation's id, unique within the run
 * @param process the process that made it
 * @param actorId the actor appended to
 * @param expected the expected version: {@link #ANY}, 0 for no stream, or the exact version
 * @param eventIds the ids of the events, in order; at least one, distinct
 * @param invoked when it was invoked
 * @param completed when it completed, or null if its process died first (the outcome is then
 *     {@link Outcome#UNKNOWN})
 * @param outcome the outcome
 * @param firstVersion the version of the first event, when {@link Outcome#OK}; else 0 (also 0
 *     for an append {@link #acknowledged acknowledged without versions})
 * @param lastVersion the version of the last event, when {@link Outcome#OK}; else 0
 * @param actualVersion for a refused append, the actual version the store reported; else -1
 * @param error what failed, or null
 */
public record AppendOp(
    String id,
    String process,
    String actorId,
    long expected,
    List<String> eventIds,
    Moment invoked,
    Moment completed,
    Outcome outcome,
    long firstVersion,
    long lastVersion,
    long actualVersion,
    String error) implements HistoryEntry {

  /** The value of {@link #expected()} for {@link ExpectedVersion#any()}. */
  public static final long ANY = -1;

  /**
   * Validates the operation.
   *
   * @throws IllegalArgumentException if the fields contradict each other
   */
  public AppendOp {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(actorId, "actorId");
    eventIds = List.copyOf(eventIds);
    Objects.requireNonNull(invoked, "invoked");
    Objects.requireNonNull(outcome, "outcome");
    if (expected < ANY) {
      throw new IllegalArgumentException("expected must be ANY (-1) or at least 0, was " + expected);
    }
    if (eventIds.isEmpty()) {
      throw new IllegalArgumentException("append " + id + " has no event ids");
    }
    if (new HashSet<>(eventIds).size() != eventIds.size()) {
      throw new IllegalArgumentException("append " + id + " repeats an event id: " + eventIds);
    }
    if (completed == null && outcome != Outcome.UNKNOWN) {
      throw new IllegalArgumentException("append " + id + " has no completion but is " + outcome);
    }
    if (outcome == Outcome.OK) {
      boolean withoutVersions = firstVersion == 0 && lastVersion == 0;
      if (!withoutVersions
          && (firstVersion < 1 || lastVersion - firstVersion + 1 != eventIds.size())) {
        throw new IllegalArgumentException("append " + id + " of " + eventIds.size()
            + " events reports versions " + firstVersion + ".." + lastVersion);
      }
    } else if (firstVersion != 0 || lastVersion != 0) {
      throw new IllegalArgumentException("append " + id + " is " + outcome + " but has versions");
    }
  }

  /**
   * Records the invocation of an append, its outcome still unknown.
   *
   * @param id the operation id
   * @param process the process
   * @param actorId the actor
   * @param expected the expected version ({@link #ANY}, 0 or n)
   * @param eventIds the event ids
   * @param invoked when it was invoked
   * @return the operation, in flight
   */
  public static AppendOp invoke(String id, String process, String actorId, long expected,
      List<String> eventIds, Moment invoked) {
    return new AppendOp(id, process, actorId, expected, eventIds, invoked, null, Outcome.UNKNOWN,
        0, 0, -1, null);
  }

  /**
   * Converts an expectation to the value of {@link #expected()}.
   *
   * @param expected the expectation
   * @return {@link #ANY}, 0 or the exact version
   */
  public static long expectedOf(ExpectedVersion expected) {
    if (expected instanceof ExpectedVersion.Exactly exactly) {
      return exactly.version();
    }
    return expected instanceof ExpectedVersion.NoStream ? 0 : ANY;
  }

  /**
   * Returns this operation completed successfully.
   *
   * @param at when it completed
   * @param first the version of its first event
   * @param last the version of its last event
   * @return the completed operation
   */
  public AppendOp ok(Moment at, long first, long last) {
    return new AppendOp(id, process, actorId, expected, eventIds, invoked, at, Outcome.OK, first,
        last, -1, null);
  }

  /**
   * Returns this operation acknowledged as stored without the versions it is stored at: a hosted
   * command answered "already applied" (an earlier attempt with the same command id stored it).
   * Its events must be stored; at which versions is not checked.
   *
   * @param at when it completed
   * @return the completed operation
   */
  public AppendOp acknowledged(Moment at) {
    return new AppendOp(id, process, actorId, expected, eventIds, invoked, at, Outcome.OK, 0, 0,
        -1, null);
  }

  /**
   * Returns whether this operation was acknowledged with the versions it is stored at.
   *
   * @return true if {@link Outcome#OK} with versions
   */
  public boolean hasReportedVersions() {
    return outcome == Outcome.OK && firstVersion > 0;
  }

  /**
   * Returns this operation refused because the actor's version did not match.
   *
   * @param at when it completed
   * @param actual the actual version reported, or -1 if none was
   * @param why the error
   * @return the completed operation
   */
  public AppendOp conflict(Moment at, long actual, String why) {
    return new AppendOp(id, process, actorId, expected, eventIds, invoked, at, Outcome.FAILED, 0,
        0, actual, why);
  }

  /**
   * Returns this operation failed without effect for another reason.
   *
   * @param at when it completed
   * @param why the error
   * @return the completed operation
   */
  public AppendOp failed(Moment at, String why) {
    return new AppendOp(id, process, actorId, expected, eventIds, invoked, at, Outcome.FAILED, 0,
        0, -1, why);
  }

  /**
   * Returns this operation given up with an unknown outcome.
   *
   * @param at when the caller gave up
   * @param why the error
   * @return the completed operation
   */
  public AppendOp unknown(Moment at, String why) {
    return new AppendOp(id, process, actorId, expected, eventIds, invoked, at, Outcome.UNKNOWN, 0,
        0, -1, why);
  }

  @Override
  public Moment start() {
    return invoked;
  }

  @Override
  public String describe(Moment origin) {
    StringBuilder out = new StringBuilder();
    out.append(process).append(' ').append(id).append(" append actor='").append(actorId)
        .append("' expected=").append(expected == ANY ? "any" : Long.toString(expected))
        .append(" events=").append(eventIds)
        .append(" invoked=").append(invoked.relativeTo(origin))
        .append(" completed=").append(completed == null ? "never" : completed.relativeTo(origin))
        .append(" -> ").append(outcome);
    if (outcome == Outcome.OK && firstVersion == 0) {
      out.append(" (already applied)");
    } else if (outcome == Outcome.OK) {
      out.append(" v").append(firstVersion);
      if (lastVersion != firstVersion) {
        out.append("..v").append(lastVersion);
      }
    }
    if (actualVersion >= 0) {
      out.append(" actual=").append(actualVersion);
    }
    if (error != null) {
      out.append(" (").append(error).append(')');
    }
    return out.toString();
  }
}
