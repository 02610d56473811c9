package one.flowmade.aether.verification.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import one.flowmade.aether.verification.history.AppliedEvent;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.ProjectionHistory;
import one.flowmade.aether.verification.history.ProjectionHistory.Effects;
import one.flowmade.aether.verification.history.StoredEvent;

/**
 * Checks what a projection applied against the namespace's stored events ({@link
 * ProjectionHistory}): every stored event applied at least once, and exactly once (counted once,
 * recorded once) with exactly-once effects; every application of a stored event as stored; each
 * actor in one partition; an actor's versions applied in order: never one before its predecessor
 * (with at-least-once effects a replay may go back, to a unit of work retried after the
 * checkpoint store failed or redone by the next owner, but never ahead), and with exactly-once
 * effects each version exactly one after the one applied before it, across owner epochs too (a
 * crashed or fenced owner's uncommitted work leaves no trace); one node per partition and epoch; and, with exactly-once effects, no application of
 * an older epoch committed after one of a newer epoch of its partition (a stale owner fenced).
 *
 * <p>Stateless and thread-safe.
 */
public final class ProjectionChecker {

  private ProjectionChecker() {}

  /**
   * Checks a projection's history.
   *
   * @param history the history
   * @return the report; {@link CheckReport#isValid()} is true when no check is broken
   */
  public static CheckReport check(ProjectionHistory history) {
    Objects.requireNonNull(history, "history");
    List<Violation> found = new ArrayList<>();
    boolean exactlyOnce = history.effects() == Effects.EXACTLY_ONCE;
    Map<String, StoredEvent> stored = new LinkedHashMap<>();
    history.finalState().events().forEach(e -> stored.putIfAbsent(e.eventId(), e));
    Map<String, List<AppliedEvent>> byEvent = new LinkedHashMap<>();
    for (AppliedEvent a : history.applied()) {
      byEvent.computeIfAbsent(a.eventId(), k -> new ArrayList<>()).add(a);
    }

    for (StoredEvent e : stored.values()) {
      long count = history.applyCounts().getOrDefault(e.eventId(), 0L);
      List<AppliedEvent> applications = byEvent.getOrDefault(e.eventId(), List.of());
      if (count == 0 || applications.isEmpty()) {
        found.add(violation(Check.PROJECTION_NOT_APPLIED, "stored event " + e.eventId()
            + " of actor '" + e.actorId() + "' v" + e.version() + " was counted " + count
            + " times and recorded applied " + applications.size() + " times", applications, e));
      } else if (exactlyOnce && (count != 1 || applications.size() != 1)) {
        found.add(violation(Check.PROJECTION_APPLIED_TWICE, "stored event " + e.eventId()
            + " of actor '" + e.actorId() + "' v" + e.version() + " was counted " + count
            + " times and recorded applied " + applications.size() + " times", applications, e));
      }
    }
    for (Map.Entry<String, Long> c : history.applyCounts().entrySet()) {
      if (!stored.containsKey(c.getKey())) {
        found.add(violation(Check.PROJECTION_UNEXPLAINED_APPLY, "event " + c.getKey()
            + " is counted applied " + c.getValue() + " times but is not stored",
            byEvent.getOrDefault(c.getKey(), List.of())));
      }
    }
    for (AppliedEvent a : history.applied()) {
      StoredEvent e = stored.get(a.eventId());
      if (e == null || !e.actorId().equals(a.actorId()) || e.version() != a.version()
          || e.position() != a.position()) {
        found.add(e == null
            ? violation(Check.PROJECTION_UNEXPLAINED_APPLY, "application #" + a.seq()
                + " is of event " + a.eventId() + ", which is not stored", List.of(a))
            : violation(Check.PROJECTION_UNEXPLAINED_APPLY, "application #" + a.seq() + " of "
                + a.eventId() + " says actor '" + a.actorId() + "' v" + a.version() + " at "
                + a.position() + ", not as stored", List.of(a), e));
      }
    }

    Map<String, List<AppliedEvent>> byActor = new TreeMap<>();
    for (AppliedEvent a : history.applied()) {
      byActor.computeIfAbsent(a.actorId(), k -> new ArrayList<>()).add(a);
    }
    byActor.forEach((actor, applications) -> checkActor(actor, applications, exactlyOnce, found));
    checkOwners(history.applied(), exactlyOnce, found);
    found.sort((a, b) -> a.check().compareTo(b.check()));
    return new CheckReport(statistics(history), Moment.ofNanos(0), found);
  }

  private static String statistics(ProjectionHistory history) {
    Set<String> owners = new HashSet<>();
    Set<String> processes = new HashSet<>();
    Set<Integer> partitions = new HashSet<>();
    for (AppliedEvent a : history.applied()) {
      owners.add(a.partition() + "/" + a.epoch());
      processes.add(a.process());
      partitions.add(a.partition());
    }
    return history.finalState().events().size() + " stored events of "
        + history.finalState().byActor().size() + " actors, " + history.applied().size()
        + " applications (" + history.effects() + ") in " + partitions.size()
        + " partitions under " + owners.size() + " partition epochs by " + processes.size()
        + " processes";
  }

  private static void checkActor(String actor, List<AppliedEvent> applications,
      boolean exactlyOnce, List<Violation> found) {
    Map<Integer, AppliedEvent> partitions = new TreeMap<>();
    applications.forEach(a -> partitions.putIfAbsent(a.partition(), a));
    if (partitions.size() > 1) {
      found.add(violation(Check.PROJECTION_PARTITION, "actor '" + actor + "' was applied in"
          + " partitions " + partitions.keySet(), List.copyOf(partitions.values())));
    }
    AppliedEvent last = null;
    long highest = 0;
    for (AppliedEvent a : applications) {
      if (a.version() > highest + 1) {
        found.add(violation(Check.PROJECTION_ORDER, "actor '" + actor + "' v" + a.version()
            + " was applied (epoch " + a.epoch() + " of partition " + a.partition() + ") before v"
            + (highest + 1) + (last == null ? "" : "; the one before was v" + last.version()),
            last == null ? List.of(a) : List.of(last, a)));
      } else if (exactlyOnce && last != null && a.version() != last.version() + 1) {
        found.add(violation(Check.PROJECTION_ORDER, "actor '" + actor + "' v" + a.version()
            + " (epoch " + a.epoch() + ") was applied after v" + last.version() + " (epoch "
            + last.epoch() + ") with exactly-once effects", List.of(last, a)));
      }
      highest = Math.max(highest, a.version());
      last = a;
    }
  }

  private static void checkOwners(List<AppliedEvent> applied, boolean exactlyOnce,
      List<Violation> found) {
    Map<String, Map<String, AppliedEvent>> nodesByOwner = new TreeMap<>();
    Map<Integer, AppliedEvent> newest = new TreeMap<>();
    Map<Integer, Boolean> staleReported = new TreeMap<>();
    for (AppliedEvent a : applied) {
      nodesByOwner.computeIfAbsent("partition " + a.partition() + " epoch " + a.epoch(),
          k -> new LinkedHashMap<>()).putIfAbsent(a.node(), a);
      AppliedEvent n = newest.get(a.partition());
      if (exactlyOnce && n != null && a.epoch() < n.epoch()
          && !staleReported.containsKey(a.partition())) {
        found.add(violation(Check.PROJECTION_STALE_OWNER, "partition " + a.partition()
            + ": " + a.process() + " committed an application in epoch " + a.epoch()
            + " after " + n.process() + " had in the newer epoch " + n.epoch(), List.of(n, a)));
        staleReported.put(a.partition(), true);
      }
      if (n == null || a.epoch() > n.epoch()) {
        newest.put(a.partition(), a);
      }
    }
    nodesByOwner.forEach((owner, nodes) -> {
      if (nodes.size() > 1) {
        found.add(violation(Check.PROJECTION_TWO_OWNERS, owner + " was applied by nodes "
            + nodes.keySet(), List.copyOf(nodes.values())));
      }
    });
  }

  private static Violation violation(Check check, String summary, List<AppliedEvent> applied,
      StoredEvent... stored) {
    StringBuilder text = new StringBuilder(summary);
    for (AppliedEvent a : applied) {
      text.append("\n    ").append(a.describe());
    }
    return new Violation(check, text.toString(), List.of(), List.of(stored));
  }
}
