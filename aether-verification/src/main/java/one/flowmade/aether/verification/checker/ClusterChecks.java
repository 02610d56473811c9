package one.flowmade.aether.verification.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.LeaderTerm;
import one.flowmade.aether.verification.history.ShardTenure;

/** The checks of leader terms and shard tenures. Not thread-safe. */
final class ClusterChecks {

  private final History history;
  private final List<Violation> violations = new ArrayList<>();

  ClusterChecks(History history) {
    this.history = history;
  }

  List<Violation> run() {
    checkLeaders();
    checkEpochs();
    checkOwnerOverlap();
    checkOrphans();
    return violations;
  }

  /**
   * Returns the cluster node of a process label: the part before {@code '#'} (the incarnation).
   *
   * @param process a process label such as {@code a2#3}
   * @return the node, such as {@code a2}
   */
  static String nodeOf(String process) {
    int hash = process.indexOf('#');
    return hash < 0 ? process : process.substring(0, hash);
  }

  private void checkLeaders() {
    List<LeaderTerm> terms = new ArrayList<>(history.terms());
    terms.sort(Comparator.comparing(LeaderTerm::start).thenComparing(LeaderTerm::id));
    for (int i = 0; i < terms.size(); i++) {
      LeaderTerm a = terms.get(i);
      for (int j = i + 1; j < terms.size(); j++) {
        LeaderTerm b = terms.get(j);
        if (b.start().isAfter(a.end())) {
          if (b.token() <= a.token()) {
            violations.add(new Violation(Check.FENCING_TOKEN_ORDER, "term " + b.id()
                + " started after term " + a.id() + " ended but has fencing token " + b.token()
                + " <= " + a.token(), List.of(a, b), List.of()));
          }
          continue;
        }
        violations.add(new Violation(Check.LEADER_OVERLAP, "terms " + a.id() + " and " + b.id()
            + " were both held at " + b.start().relativeTo(history.origin()), List.of(a, b), List.of()));
        if (a.token() == b.token()) {
          violations.add(new Violation(Check.FENCING_TOKEN_ORDER, "terms " + a.id() + " and "
              + b.id() + " share fencing token " + a.token(), List.of(a, b), List.of()));
        }
      }
    }
  }

  private void checkEpochs() {
    Map<String, Map<String, ShardTenure>> byShardEpoch = new TreeMap<>();
    for (ShardTenure t : history.tenures()) {
      byShardEpoch.computeIfAbsent(t.shard() + "@" + t.epoch(), k -> new LinkedHashMap<>())
          .putIfAbsent(nodeOf(t.process()), t);
    }
    for (Map.Entry<String, Map<String, ShardTenure>> e : byShardEpoch.entrySet()) {
      if (e.getValue().size() > 1) {
        ShardTenure any = e.getValue().values().iterator().next();
        violations.add(new Violation(Check.TWO_OWNERS_IN_EPOCH, "shard " + any.shard()
            + " was acquired in epoch " + any.epoch() + " by nodes " + e.getValue().keySet(),
            List.copyOf(e.getValue().values()), List.of()));
      }
    }
  }

  private void checkOwnerOverlap() {
    Map<Integer, List<ShardTenure>> byShard = new TreeMap<>();
    for (ShardTenure t : history.tenures()) {
      byShard.computeIfAbsent(t.shard(), s -> new ArrayList<>()).add(t);
    }
    for (List<ShardTenure> tenures : byShard.values()) {
      tenures.sort(Comparator.comparing(ShardTenure::start).thenComparing(ShardTenure::id));
      for (int i = 0; i < tenures.size(); i++) {
        ShardTenure a = tenures.get(i);
        for (int j = i + 1; j < tenures.size(); j++) {
          ShardTenure b = tenures.get(j);
          if (b.start().isAfter(a.end())) {
            break;
          }
          if (!a.process().equals(b.process()) && a.overlaps(b)) {
            violations.add(new Violation(Check.OWNERS_OVERLAP, "shard " + a.shard()
                + " was owned by " + a.process() + " and " + b.process() + " at the same time",
                List.of(a, b), List.of()));
          }
        }
      }
    }
  }

  private void checkOrphans() {
    if (history.ownershipDeadline() == null) {
      return;
    }
    for (int shard = 0; shard < history.shardCount(); shard++) {
      int s = shard;
      List<ShardTenure> tenures = history.tenures().stream().filter(t -> t.shard() == s)
          .sorted(Comparator.comparing(ShardTenure::end)).toList();
      boolean owned = tenures.stream()
          .anyMatch(t -> !t.end().isBefore(history.ownershipDeadline()));
      if (!owned) {
        List<ShardTenure> last = tenures.subList(Math.max(0, tenures.size() - 2), tenures.size());
        violations.add(new Violation(Check.ORPHAN_SHARD, "shard " + shard + " had no owner at"
            + " the ownership deadline " + history.ownershipDeadline().relativeTo(history.origin())
            + (tenures.isEmpty() ? "; it was never owned" : "; its last owners are shown"),
            List.copyOf(last), List.of()));
      }
    }
  }
}
