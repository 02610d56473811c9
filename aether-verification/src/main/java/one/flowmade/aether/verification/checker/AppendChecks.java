package one.flowmade.aether.verification.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import one.flowmade.aether.verification.history.AppendOp;
import one.flowmade.aether.verification.history.Delivery;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.HistoryEntry;
import one.flowmade.aether.verification.history.Outcome;
import one.flowmade.aether.verification.history.ReadOp;
import one.flowmade.aether.verification.history.StoredEvent;

/** The checks of appends, reads and subscriptions against the final state. Not thread-safe. */
final class AppendChecks {

  private final History history;
  private final List<Violation> violations = new ArrayList<>();
  private final Map<String, List<StoredEvent>> storedById = new HashMap<>();
  private final Map<String, List<StoredEvent>> storedByActor;
  private final Map<String, AppendOp> opByEventId = new HashMap<>();
  /** Per actor: version to the append stored there (only appends stored cleanly). */
  private final Map<String, Map<Long, AppendOp>> writerOf = new HashMap<>();

  AppendChecks(History history) {
    this.history = history;
    this.storedByActor = history.finalState().byActor();
    for (StoredEvent e : history.finalState().events()) {
      storedById.computeIfAbsent(e.eventId(), id -> new ArrayList<>()).add(e);
    }
    for (AppendOp op : history.appends()) {
      op.eventIds().forEach(id -> opByEventId.put(id, op));
    }
  }

  List<Violation> run() {
    checkDuplicates();
    checkContiguous();
    checkUnexplained();
    checkAppends();
    checkRealTimeOrder();
    checkConflicts();
    checkReads();
    checkSubscriptions();
    return violations;
  }

  private void add(Check check, String summary, List<? extends HistoryEntry> entries,
      List<StoredEvent> stored) {
    violations.add(new Violation(check, summary, List.copyOf(entries), stored));
  }

  private void checkDuplicates() {
    for (Map.Entry<String, List<StoredEvent>> e : storedById.entrySet()) {
      if (e.getValue().size() > 1) {
        AppendOp op = opByEventId.get(e.getKey());
        add(Check.DUPLICATE_EVENT, "event " + e.getKey() + " is stored " + e.getValue().size()
            + " times", op == null ? List.of() : List.of(op), e.getValue());
      }
    }
  }

  private void checkContiguous() {
    for (Map.Entry<String, List<StoredEvent>> e : storedByActor.entrySet()) {
      List<StoredEvent> events = e.getValue();
      for (int i = 0; i < events.size(); i++) {
        if (events.get(i).version() != i + 1) {
          List<StoredEvent> around = new ArrayList<>();
          if (i > 0) {
            around.add(events.get(i - 1));
          }
          around.add(events.get(i));
          add(Check.CONTIGUOUS_VERSIONS, "actor '" + e.getKey() + "' has v"
              + events.get(i).version() + " where v" + (i + 1) + " belongs (stream order)",
              List.of(), around);
          break;
        }
      }
    }
  }

  private void checkUnexplained() {
    for (StoredEvent e : history.finalState().events()) {
      if (!opByEventId.containsKey(e.eventId())) {
        add(Check.UNEXPLAINED_EVENT, "stored event " + e.eventId() + " of actor '" + e.actorId()
            + "' v" + e.version() + " comes from no recorded append", List.of(), List.of(e));
      }
    }
  }

  private void checkAppends() {
    for (AppendOp op : history.appends()) {
      List<StoredEvent> found = new ArrayList<>();
      List<String> missing = new ArrayList<>();
      for (String id : op.eventIds()) {
        List<StoredEvent> copies = storedById.get(id);
        if (copies == null) {
          missing.add(id);
        } else {
          found.add(copies.get(0));
        }
      }
      if (found.isEmpty()) {
        if (op.outcome() == Outcome.OK) {
          add(Check.LOST_ACKNOWLEDGED_APPEND, "append " + op.id() + " was acknowledged "
              + (op.hasReportedVersions() ? "at v" + op.firstVersion() + ".." + op.lastVersion()
                  : "as already applied") + " of actor '" + op.actorId()
              + "' but none of its events is stored", List.of(op),
              op.hasReportedVersions()
                  ? neighbours(op.actorId(), op.firstVersion() - 1, op.lastVersion() + 1)
                  : List.of());
        }
        continue;
      }
      if (!missing.isEmpty()) {
        Check check = op.outcome() == Outcome.OK ? Check.LOST_ACKNOWLEDGED_APPEND
            : Check.ATOMIC_APPEND;
        add(check, "append " + op.id() + " (" + op.outcome() + ") is stored in part: " + missing
            + " missing", List.of(op), found);
        continue;
      }
      if (op.outcome() == Outcome.FAILED) {
        add(Check.FAILED_APPEND_STORED, "append " + op.id() + " was reported failed ("
            + op.error() + ") but its events are stored", List.of(op), found);
        continue;
      }
      if (!isClean(op, found)) {
        add(Check.ATOMIC_APPEND, "append " + op.id() + " is not stored as one unit at consecutive"
            + " versions of actor '" + op.actorId() + "'", List.of(op), found);
        continue;
      }
      long first = found.get(0).version();
      long last = found.get(found.size() - 1).version();
      if (op.hasReportedVersions()
          && (first != op.firstVersion() || last != op.lastVersion())) {
        add(Check.REPORTED_VERSIONS, "append " + op.id() + " was acknowledged at v"
            + op.firstVersion() + ".." + op.lastVersion() + " but is stored at v" + first + ".."
            + last, List.of(op), found);
      }
      if (op.expected() != AppendOp.ANY && first != op.expected() + 1) {
        add(Check.EXPECTED_VERSION, "append " + op.id() + " expected version " + op.expected()
            + " but is stored at v" + first, List.of(op),
            neighbours(op.actorId(), op.expected(), first));
      }
      Map<Long, AppendOp> writers = writerOf.computeIfAbsent(op.actorId(), a -> new HashMap<>());
      for (long v = first; v <= last; v++) {
        writers.put(v, op);
      }
    }
  }

  private static boolean isClean(AppendOp op, List<StoredEvent> found) {
    for (int i = 0; i < found.size(); i++) {
      StoredEvent e = found.get(i);
      if (!e.actorId().equals(op.actorId()) || e.version() != found.get(0).version() + i) {
        return false;
      }
    }
    return true;
  }

  /** Appends to one actor that did not overlap in time must be stored in real-time order. */
  private void checkRealTimeOrder() {
    for (Map.Entry<String, Map<Long, AppendOp>> e : writerOf.entrySet()) {
      List<AppendOp> ordered = new ArrayList<>(new TreeMap<>(e.getValue()).values().stream()
          .distinct().toList());
      // earliestAfter[i]: the append with the earliest completion among those stored after i.
      AppendOp[] earliestAfter = new AppendOp[ordered.size() + 1];
      for (int i = ordered.size() - 1; i >= 0; i--) {
        AppendOp candidate = ordered.get(i);
        AppendOp best = earliestAfter[i + 1];
        earliestAfter[i] = best == null || completedNanos(candidate) < completedNanos(best)
            ? candidate : best;
      }
      for (int i = 0; i < ordered.size(); i++) {
        AppendOp earlier = ordered.get(i);
        AppendOp later = earliestAfter[i + 1];
        if (later != null && completedNanos(later) < earlier.invoked().nanos()) {
          add(Check.REAL_TIME_ORDER, "append " + later.id() + " completed before append "
              + earlier.id() + " was invoked, yet is stored after it on actor '" + e.getKey()
              + "'", List.of(earlier, later), storedOf(earlier, later));
        }
      }
    }
  }

  /** A refusal must report a version the actor really had at some moment while it ran. */
  private void checkConflicts() {
    for (AppendOp op : history.appends()) {
      if (op.outcome() != Outcome.FAILED || op.actualVersion() < 0) {
        continue;
      }
      long actual = op.actualVersion();
      if (op.expected() != AppendOp.ANY && actual == op.expected()) {
        add(Check.UNEXPLAINED_CONFLICT, "append " + op.id() + " was refused although the actual"
            + " version it reports (" + actual + ") is the one it expected", List.of(op),
            neighbours(op.actorId(), actual, actual + 1));
      } else if (!possible(op.actorId(), actual, op.invoked().nanos(), completedNanos(op))) {
        add(Check.UNEXPLAINED_CONFLICT, "append " + op.id() + " was refused reporting version "
            + actual + " of actor '" + op.actorId() + "', which the actor did not have while it"
            + " ran", withWriters(op, actual), neighbours(op.actorId(), actual, actual + 1));
      }
    }
  }

  private void checkReads() {
    for (ReadOp read : history.reads()) {
      if (read.outcome() != Outcome.OK) {
        continue;
      }
      List<StoredEvent> stored = storedByActor.getOrDefault(read.actorId(), List.of());
      List<String> ids = read.eventIds();
      for (int i = 0; i < ids.size(); i++) {
        if (i >= stored.size() || !stored.get(i).eventId().equals(ids.get(i))) {
          List<HistoryEntry> entries = new ArrayList<>();
          entries.add(read);
          AppendOp writer = opByEventId.get(ids.get(i));
          if (writer != null) {
            entries.add(writer);
          }
          add(Check.STALE_READ, "read " + read.id() + " returned " + ids.get(i) + " as v"
              + (i + 1) + " of actor '" + read.actorId() + "', which the final state "
              + (i < stored.size() ? "has " + stored.get(i).eventId() + " at" : "lacks"),
              entries, neighbours(read.actorId(), i, i + 2));
          break;
        }
      }
      long k = ids.size();
      if (k <= stored.size()
          && !possible(read.actorId(), k, read.invoked().nanos(), completedNanos(read))) {
        add(Check.STALE_READ, "read " + read.id() + " returned v" + k + " of actor '"
            + read.actorId() + "' as the latest, which the actor was not at while the read ran",
            withWriters(read, k), neighbours(read.actorId(), k, k + 1));
      }
    }
  }

  private void checkSubscriptions() {
    Map<String, List<Delivery>> bySubscription = new LinkedHashMap<>();
    for (Delivery d : history.deliveries()) {
      bySubscription.computeIfAbsent(d.process() + "/" + d.subscription(), k -> new ArrayList<>())
          .add(d);
    }
    for (Map.Entry<String, List<Delivery>> e : bySubscription.entrySet()) {
      Set<Long> seen = new HashSet<>();
      long max = 0;
      long min = Long.MAX_VALUE;
      for (Delivery d : e.getValue()) {
        List<StoredEvent> copies = storedById.get(d.eventId());
        StoredEvent stored = copies == null ? null : copies.get(0);
        if (stored == null || stored.position() != d.position() || stored.version() != d.version()
            || !stored.actorId().equals(d.actorId())) {
          add(Check.SUBSCRIPTION, "subscription " + e.getKey() + " delivered " + d.eventId()
              + " at position " + d.position() + " as actor '" + d.actorId() + "' v"
              + d.version() + ", which is not what is stored", List.of(d),
              stored == null ? List.of() : List.of(stored));
        }
        if (d.position() < max && !seen.contains(d.position())) {
          add(Check.SUBSCRIPTION, "subscription " + e.getKey() + " delivered position "
              + d.position() + " after position " + max, List.of(d), List.of());
        }
        seen.add(d.position());
        max = Math.max(max, d.position());
        min = Math.min(min, d.position());
      }
      for (StoredEvent stored : history.finalState().events()) {
        if (stored.position() > min && stored.position() < max
            && !seen.contains(stored.position())) {
          List<HistoryEntry> around = new ArrayList<>();
          for (Delivery d : e.getValue()) {
            if (Math.abs(d.position() - stored.position()) == 1) {
              around.add(d);
            }
          }
          add(Check.SUBSCRIPTION, "subscription " + e.getKey() + " skipped position "
              + stored.position() + " between " + min + " and " + max, around, List.of(stored));
          break;
        }
      }
    }
  }

  /**
   * Returns whether the actor can have been at version {@code v} at some moment in [invoked,
   * completed]: v is the end of an append (or 0), that append can have taken effect before the
   * window closed, and the next one cannot have taken effect surely before it opened.
   */
  private boolean possible(String actorId, long v, long invoked, long completed) {
    Map<Long, AppendOp> writers = writerOf.getOrDefault(actorId, Map.of());
    int stored = storedByActor.getOrDefault(actorId, List.of()).size();
    if (v > stored) {
      return false;
    }
    if (v > 0) {
      AppendOp writer = writers.get(v);
      if (writer != null
          && (lastStoredVersion(writer) != v || writer.invoked().nanos() >= completed)) {
        return false;
      }
    }
    AppendOp next = writers.get(v + 1);
    return next == null || completedNanos(next) > invoked;
  }

  private long lastStoredVersion(AppendOp op) {
    String lastId = op.eventIds().get(op.eventIds().size() - 1);
    return storedById.get(lastId).get(0).version();
  }

  private List<HistoryEntry> withWriters(HistoryEntry subject, long v) {
    List<HistoryEntry> out = new ArrayList<>();
    out.add(subject);
    String actor = subject instanceof AppendOp op ? op.actorId() : ((ReadOp) subject).actorId();
    Map<Long, AppendOp> writers = writerOf.getOrDefault(actor, Map.of());
    if (writers.get(v) != null) {
      out.add(writers.get(v));
    }
    if (writers.get(v + 1) != null) {
      out.add(writers.get(v + 1));
    }
    return out;
  }

  private List<StoredEvent> neighbours(String actorId, long fromVersion, long toVersion) {
    List<StoredEvent> out = new ArrayList<>();
    for (StoredEvent e : storedByActor.getOrDefault(actorId, List.of())) {
      if (e.version() >= fromVersion && e.version() <= toVersion) {
        out.add(e);
      }
    }
    return out;
  }

  private List<StoredEvent> storedOf(AppendOp... ops) {
    List<StoredEvent> out = new ArrayList<>();
    for (AppendOp op : ops) {
      for (String id : op.eventIds()) {
        List<StoredEvent> copies = storedById.get(id);
        if (copies != null) {
          out.addAll(copies);
        }
      }
    }
    return out;
  }

  /**
   * Returns when an append surely completed: never, for one whose outcome is unknown, since a
   * request the caller gave up on may still take effect later (as Jepsen treats indeterminate
   * operations).
   */
  private static long completedNanos(AppendOp op) {
    return op.outcome() == Outcome.UNKNOWN || op.completed() == null ? Long.MAX_VALUE
        : op.completed().nanos();
  }

  private static long completedNanos(ReadOp op) {
    return op.completed() == null ? Long.MAX_VALUE : op.completed().nanos();
  }
}
