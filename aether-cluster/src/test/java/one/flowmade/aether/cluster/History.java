package one.flowmade.aether.cluster;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A thread-safe record of what every node of a test did, on the shared monotonic clock of the
 * test's JVM: shard ownership intervals from acquire/release callbacks, and leadership terms.
 * Its checks fail with a description of the first violation.
 */
final class History {

  /** One node's ownership of one shard: from the acquire callback to the end of ownership. */
  static final class Ownership {
    final String node;
    final int shard;
    final long epoch;
    final long start;
    long end = Long.MAX_VALUE;
    String endReason = "still active";

    Ownership(String node, int shard, long epoch, long start) {
      this.node = node;
      this.shard = shard;
      this.epoch = epoch;
      this.start = start;
    }

    @Override
    public String toString() {
      return node + " shard " + shard + " epoch " + epoch + " [" + start + ", "
          + (end == Long.MAX_VALUE ? "open" : end) + "] " + endReason;
    }
  }

  /** One term of leadership. */
  record Term(String node, long token, long start, Leadership leadership) {
    long end() {
      return leadership.isValid() ? Long.MAX_VALUE : leadership.lease().endedAt();
    }
  }

  private final List<Ownership> ownerships = new ArrayList<>();
  private final Map<String, Ownership> open = new TreeMap<>();
  private final List<Term> terms = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final java.util.Set<String> crashedNodes = new java.util.TreeSet<>();

  synchronized void acquired(String node, int shard, long epoch) {
    Ownership o = new Ownership(node, shard, epoch, System.nanoTime());
    Ownership previous = open.put(node + "/" + shard, o);
    if (previous != null) {
      problems.add("acquired twice without release: " + previous + " then " + o);
    }
    ownerships.add(o);
  }

  synchronized void released(String node, int shard, ReleaseReason reason, long endOverride) {
    if (crashedNodes.contains(node)) {
      // A crash interrupts a callback that was still running (a release blocked by the test):
      // its ownerships already ended at the crash, and a crashed process records nothing more.
      return;
    }
    Ownership o = open.remove(node + "/" + shard);
    if (o == null) {
      problems.add("released without acquire: " + node + " shard " + shard);
      return;
    }
    o.end = endOverride > 0 ? Math.min(endOverride, System.nanoTime()) : System.nanoTime();
    o.endReason = reason.toString();
  }

  /** A node stopped without callbacks (crash): its open ownerships end at {@code end}. */
  synchronized void crashed(String node, long end) {
    crashedNodes.add(node);
    for (Ownership o : new ArrayList<>(open.values())) {
      if (o.node.equals(node)) {
        open.remove(node + "/" + o.shard);
        o.end = end;
        o.endReason = "crashed";
      }
    }
  }

  synchronized void elected(String node, Leadership leadership) {
    terms.add(new Term(node, leadership.fencingToken(), leadership.lease().grantedAt(),
        leadership));
  }

  synchronized int termCount() {
    return terms.size();
  }

  synchronized List<Term> terms() {
    return List.copyOf(terms);
  }

  synchronized int ownershipCount() {
    return ownerships.size();
  }

  /** Checks that no shard was ever owned by two nodes at once. */
  synchronized void assertNoDoubleOwnership() {
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("\n", problems));
    }
    Map<Integer, List<Ownership>> byShard = new TreeMap<>();
    for (Ownership o : ownerships) {
      byShard.computeIfAbsent(o.shard, s -> new ArrayList<>()).add(o);
    }
    for (List<Ownership> list : byShard.values()) {
      list.sort(Comparator.comparingLong(o -> o.start));
      for (int i = 1; i < list.size(); i++) {
        Ownership before = list.get(i - 1);
        Ownership after = list.get(i);
        if (after.start < before.end) {
          throw new AssertionError("shard " + after.shard + " was owned twice at once: "
              + before + " overlaps " + after);
        }
      }
    }
  }

  /** Checks that terms never overlapped and tokens grew with time. */
  synchronized void assertNoTwoLeaders() {
    List<Term> sorted = new ArrayList<>(terms);
    sorted.sort(Comparator.comparingLong(Term::start));
    for (int i = 1; i < sorted.size(); i++) {
      Term before = sorted.get(i - 1);
      Term after = sorted.get(i);
      if (after.start() < before.end()) {
        throw new AssertionError("two leaders at once: " + before.node() + " (token "
            + before.token() + ", ended " + before.end() + ") and " + after.node() + " (token "
            + after.token() + ", started " + after.start() + ")");
      }
      if (after.token() <= before.token()) {
        throw new AssertionError("fencing token did not grow: " + before + " then " + after);
      }
    }
  }
}
