package one.flowmade.aether.verification.checker;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.StoredEvent;

/**
 * The checks of who wrote an actor's events, for events that name their writer and its shard
 * epoch (hosted actors' events do): one node per epoch, epochs never going back. Events without a
 * writer or epoch are not checked here. Not thread-safe.
 */
final class WriterChecks {

  private final History history;
  private final List<Violation> violations = new ArrayList<>();

  WriterChecks(History history) {
    this.history = history;
  }

  List<Violation> run() {
    for (Map.Entry<String, List<StoredEvent>> e : history.finalState().byActor().entrySet()) {
      check(e.getKey(), e.getValue().stream()
          .filter(s -> s.writer() != null && s.epoch() >= 0).toList());
    }
    return violations;
  }

  private void check(String actorId, List<StoredEvent> events) {
    Map<Long, Map<String, StoredEvent>> byEpoch = new LinkedHashMap<>();
    StoredEvent newest = null;
    boolean reported = false;
    for (StoredEvent event : events) {
      byEpoch.computeIfAbsent(event.epoch(), k -> new LinkedHashMap<>())
          .putIfAbsent(ClusterChecks.nodeOf(event.writer()), event);
      if (newest != null && event.epoch() < newest.epoch() && !reported) {
        violations.add(new Violation(Check.EPOCH_ORDER, "actor '" + actorId + "' v"
            + event.version() + " was written by " + event.writer() + " in epoch "
            + event.epoch() + ", after v" + newest.version() + " by " + newest.writer()
            + " in the newer epoch " + newest.epoch(), List.of(), List.of(newest, event)));
        reported = true;
      }
      if (newest == null || event.epoch() > newest.epoch()) {
        newest = event;
      }
    }
    for (Map.Entry<Long, Map<String, StoredEvent>> e : byEpoch.entrySet()) {
      if (e.getValue().size() > 1) {
        violations.add(new Violation(Check.ONE_WRITER_PER_EPOCH, "actor '" + actorId
            + "' was written in epoch " + e.getKey() + " by nodes " + e.getValue().keySet(),
            List.of(), List.copyOf(e.getValue().values())));
      }
    }
  }
}
