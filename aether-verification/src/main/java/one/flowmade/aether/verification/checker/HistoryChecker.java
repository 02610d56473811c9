package one.flowmade.aether.verification.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import one.flowmade.aether.verification.history.History;

/**
 * Checks a recorded {@link History} against every {@link Check}.
 *
 * <p>Appends to one actor are checked for linearizability the way an append with an expected
 * version allows: the stored sequence of each actor is explained by the recorded appends at their
 * versions (acknowledged ones at the versions they reported, ones with an unknown outcome absent
 * or present once, failed ones absent), each stored right after the version it expected, and in
 * real-time order (an append that completed before another was invoked has the lower version).
 * Version conflicts and reads must report a state the actor really had at some moment while they
 * ran. Cluster entries are checked for one leader at a time with growing fencing tokens, one owner
 * per shard at a time and per epoch, and every shard owned again by the ownership deadline. Stored
 * events that name their writer and shard epoch (hosted actors') are checked for one writing node
 * per actor and epoch, and for epochs that never go back along an actor's versions.
 *
 * <p>Stateless and thread-safe.
 */
public final class HistoryChecker {

  private HistoryChecker() {}

  /**
   * Checks a history.
   *
   * @param history the history
   * @return the report; {@link CheckReport#isValid()} is true when no check is broken
   */
  public static CheckReport check(History history) {
    Objects.requireNonNull(history, "history");
    List<Violation> found = new ArrayList<>();
    found.addAll(new AppendChecks(history).run());
    found.addAll(new ClusterChecks(history).run());
    found.addAll(new WriterChecks(history).run());
    found.sort((a, b) -> a.check().compareTo(b.check()));
    return new CheckReport(history, found);
  }
}
