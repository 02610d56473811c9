package one.flowmade.aether.benchmarks.ring;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Table;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.cluster.AllocationContext;
import one.flowmade.aether.cluster.AllocationStrategy;
import one.flowmade.aether.cluster.HashRing;
import one.flowmade.aether.cluster.Member;

/**
 * Computes shard balance (largest shard count over the mean) and the shards moved when one node
 * joins or leaves, for Aether's default {@link AllocationStrategy#balanced()} and for a {@link
 * PlainHashRing} with as many virtual nodes. The ideal number of moves is the share of one node:
 * {@code shards / (n + 1)} on a join, {@code shards / n} on a leave. Stateless.
 */
public final class RingBalance {

  static final int SHARDS = 1024;
  static final int[] SIZES = {3, 10, 50};
  static final int JOINERS = 5;

  private RingBalance() {}

  /**
   * Computes everything and adds a section to the report.
   *
   * @param report the report
   */
  public static void run(Report report) {
    Section section = report.add(new Section("Shard balance and moves",
        "Aether's default allocation (`AllocationStrategy.balanced()`, " + HashRing
            .DEFAULT_VIRTUAL_NODES + " virtual nodes per member, keeps current owners) against a"
            + " plain consistent-hash ring (ketama style: MD5 points, the same number of virtual"
            + " nodes, no capping) for " + SHARDS + " shards. Balance is the largest shard count"
            + " over the mean. Moves are the shards whose owner changes when one node joins"
            + " (mean over " + JOINERS + " different joiners) or leaves (mean over every node"
            + " leaving, worst case in brackets), as a multiple of the ideal: one node's share."
            + " These are computed, not timed; the ratio is Aether over the plain ring."));
    List<List<String>> rows = new ArrayList<>();
    for (int n : SIZES) {
      Result aether = aether(n);
      Result plain = plain(n);
      section.add(Comparison.of("balance max/mean, " + n + " nodes", "", Better.LOWER,
          aether.balance, plain.balance).withTarget(Target.valueAtMost(1.05)));
      section.add(Comparison.of("moves on join / ideal, " + n + " → " + (n + 1) + " nodes", "",
          Better.LOWER, aether.joinMoves / ideal(n + 1), plain.joinMoves / ideal(n + 1))
          .withTarget(Target.valueAtMost(1.1)));
      section.add(Comparison.of("moves on leave / ideal, " + n + " → " + (n - 1) + " nodes", "",
          Better.LOWER, aether.leaveMoves / ideal(n), plain.leaveMoves / ideal(n))
          .withTarget(Target.valueAtMost(1.1))
          .withNote("worst " + ratio(aether.worstLeaveMoves / ideal(n)) + " / "
              + ratio(plain.worstLeaveMoves / ideal(n))));
      rows.add(List.of(Integer.toString(n), Figures.format(aether.balance),
          Figures.format(plain.balance), Figures.format(aether.joinMoves),
          Figures.format(plain.joinMoves), Figures.format(ideal(n + 1)),
          Figures.format(aether.leaveMoves), Figures.format(plain.leaveMoves),
          Figures.format(ideal(n))));
    }
    section.add(new Table(List.of("nodes", "balance Aether", "balance plain", "join moves Aether",
        "join moves plain", "join ideal", "leave moves Aether", "leave moves plain",
        "leave ideal"), rows));
  }

  private static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f", r);
  }

  private static double ideal(int nodes) {
    return (double) SHARDS / nodes;
  }

  record Result(double balance, double joinMoves, double leaveMoves, double worstLeaveMoves) {}

  static Result aether(int n) {
    AllocationStrategy strategy = AllocationStrategy.balanced();
    List<String> nodes = nodes(n);
    String[] initial = allocate(strategy, nodes, new String[SHARDS]);
    double balance = balance(initial, nodes);
    double join = 0;
    for (int j = 0; j < JOINERS; j++) {
      List<String> joined = new ArrayList<>(nodes);
      joined.add("joiner-" + j);
      join += moves(initial, allocate(strategy, joined, initial));
    }
    double leave = 0;
    double worst = 0;
    for (String leaving : nodes) {
      List<String> left = new ArrayList<>(nodes);
      left.remove(leaving);
      int m = moves(initial, allocate(strategy, left, initial));
      leave += m;
      worst = Math.max(worst, m);
    }
    return new Result(balance, join / JOINERS, leave / n, worst);
  }

  static Result plain(int n) {
    List<String> nodes = nodes(n);
    int virtualNodes = HashRing.DEFAULT_VIRTUAL_NODES;
    String[] initial = new PlainHashRing(nodes, virtualNodes).owners(SHARDS);
    double balance = balance(initial, nodes);
    double join = 0;
    for (int j = 0; j < JOINERS; j++) {
      List<String> joined = new ArrayList<>(nodes);
      joined.add("joiner-" + j);
      join += moves(initial, new PlainHashRing(joined, virtualNodes).owners(SHARDS));
    }
    double leave = 0;
    double worst = 0;
    for (String leaving : nodes) {
      List<String> left = new ArrayList<>(nodes);
      left.remove(leaving);
      int m = moves(initial, new PlainHashRing(left, virtualNodes).owners(SHARDS));
      leave += m;
      worst = Math.max(worst, m);
    }
    return new Result(balance, join / JOINERS, leave / n, worst);
  }

  private static List<String> nodes(int n) {
    List<String> nodes = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) {
      nodes.add("node-" + i);
    }
    return nodes;
  }

  private static String[] allocate(AllocationStrategy strategy, List<String> nodes,
      String[] previous) {
    List<Member> members = new ArrayList<>();
    for (String node : nodes) {
      members.add(new Member(node, Map.of(), Instant.EPOCH));
    }
    return strategy.allocate(AllocationContext.of(SHARDS, members, Arrays.asList(previous)))
        .toArray(new String[0]);
  }

  private static double balance(String[] owners, List<String> nodes) {
    Map<String, Integer> counts = new HashMap<>();
    nodes.forEach(node -> counts.put(node, 0));
    for (String owner : owners) {
      counts.merge(owner, 1, Integer::sum);
    }
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    return max / ((double) owners.length / nodes.size());
  }

  private static int moves(String[] before, String[] after) {
    int moves = 0;
    for (int s = 0; s < before.length; s++) {
      if (before[s] != null && !before[s].equals(after[s])) {
        moves++;
      }
    }
    return moves;
  }
}
