package one.flowmade.aether.verification.checker;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.Outcome;

/**
 * What the {@link HistoryChecker} found: the violations, and enough counts to see that the history
 * was not trivially empty.
 *
 * <p>Immutable and thread-safe.
 */
public final class CheckReport {

  private static final int PRINTED_PER_CHECK = 5;

  private final String statistics;
  private final Moment origin;
  private final List<Violation> violations;

  CheckReport(History history, List<Violation> violations) {
    this(statisticsOf(Objects.requireNonNull(history, "history")), history.origin(), violations);
  }

  /** A report on something other than a {@link History}, such as a projection's applications. */
  CheckReport(String statistics, Moment origin, List<Violation> violations) {
    this.statistics = Objects.requireNonNull(statistics, "statistics");
    this.origin = Objects.requireNonNull(origin, "origin");
    this.violations = List.copyOf(violations);
  }

  /**
   * Returns every violation found.
   *
   * @return the violations, grouped by check in {@link Check} order
   */
  public List<Violation> violations() {
    return violations;
  }

  /**
   * Returns the violations of one check.
   *
   * @param check the check
   * @return its violations
   */
  public List<Violation> violations(Check check) {
    return violations.stream().filter(v -> v.check() == check).toList();
  }

  /**
   * Returns whether the history satisfies every check.
   *
   * @return true if there is no violation
   */
  public boolean isValid() {
    return violations.isEmpty();
  }

  /**
   * Returns how many violations each check found.
   *
   * @return the counts of the checks with violations
   */
  public Map<Check, Integer> counts() {
    Map<Check, Integer> counts = new EnumMap<>(Check.class);
    violations.forEach(v -> counts.merge(v.check(), 1, Integer::sum));
    return counts;
  }

  /**
   * Returns one line with the size of the history checked.
   *
   * @return the statistics
   */
  public String statistics() {
    return statistics;
  }

  private static String statisticsOf(History history) {
    long ok = history.appends().stream().filter(a -> a.outcome() == Outcome.OK).count();
    long failed = history.appends().stream().filter(a -> a.outcome() == Outcome.FAILED).count();
    long unknown = history.appends().stream().filter(a -> a.outcome() == Outcome.UNKNOWN).count();
    long actors = history.finalState().byActor().size();
    return history.appends().size() + " appends (" + ok + " ok, " + failed + " failed, " + unknown
        + " unknown), " + history.reads().size() + " reads, " + history.deliveries().size()
        + " deliveries, " + history.terms().size() + " leader terms, " + history.tenures().size()
        + " shard tenures of " + history.shardCount() + " shards, "
        + history.finalState().events().size() + " stored events of " + actors + " actors";
  }

  /**
   * Describes the result: the statistics, then each violation with its minimal history (at most
   * five per check, and how many more there are).
   *
   * @return the report as text
   */
  public String describe() {
    StringBuilder out = new StringBuilder();
    out.append("checked ").append(statistics()).append('\n');
    if (violations.isEmpty()) {
      out.append("no violations\n");
      return out.toString();
    }
    out.append(violations.size()).append(" violation(s): ").append(counts()).append('\n');
    for (Check check : Check.values()) {
      List<Violation> some = violations(check);
      for (int i = 0; i < some.size() && i < PRINTED_PER_CHECK; i++) {
        out.append(some.get(i).describe(origin));
      }
      if (some.size() > PRINTED_PER_CHECK) {
        out.append("... and ").append(some.size() - PRINTED_PER_CHECK).append(" more [")
            .append(check).append("]\n");
      }
    }
    return out.toString();
  }

  /**
   * Throws if the history breaks a check.
   *
   * @throws AssertionError with {@link #describe()} if there is a violation
   */
  public void assertValid() {
    if (!violations.isEmpty()) {
      throw new AssertionError(describe());
    }
  }

  @Override
  public String toString() {
    return "CheckReport[" + (violations.isEmpty() ? "valid" : counts().toString()) + "]";
  }
}
