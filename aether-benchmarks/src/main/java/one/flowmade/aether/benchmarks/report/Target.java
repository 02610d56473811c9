package one.flowmade.aether.benchmarks.report;

import java.util.Locale;

/**
 * A target a figure is held to: a bound on its ratio to the baseline, or on the figure itself.
 *
 * <p>Immutable and thread-safe.
 *
 * @param onRatio true if the bound applies to the ratio Aether/baseline, false if to the value
 * @param atLeast true for a lower bound, false for an upper bound
 * @param bound the bound
 */
public record Target(boolean onRatio, boolean atLeast, double bound) {

  /**
   * Requires the ratio Aether/baseline to be at least {@code bound}.
   *
   * @param bound the lowest acceptable ratio
   * @return the target
   */
  public static Target ratioAtLeast(double bound) {
    return new Target(true, true, bound);
  }

  /**
   * Requires the ratio Aether/baseline to be at most {@code bound}.
   *
   * @param bound the highest acceptable ratio
   * @return the target
   */
  public static Target ratioAtMost(double bound) {
    return new Target(true, false, bound);
  }

  /**
   * Requires the figure itself to be at least {@code bound}.
   *
   * @param bound the lowest acceptable value, in the figure's unit
   * @return the target
   */
  public static Target valueAtLeast(double bound) {
    return new Target(false, true, bound);
  }

  /**
   * Requires the figure itself to be at most {@code bound}.
   *
   * @param bound the highest acceptable value, in the figure's unit
   * @return the target
   */
  public static Target valueAtMost(double bound) {
    return new Target(false, false, bound);
  }

  /**
   * Returns whether a measured figure meets this target.
   *
   * @param value the figure
   * @param ratio its ratio to the baseline
   * @return true if met
   */
  public boolean isMetBy(double value, double ratio) {
    double x = onRatio ? ratio : value;
    if (Double.isNaN(x)) {
      return false;
    }
    return atLeast ? x >= bound : x <= bound;
  }

  /**
   * Describes the target, for the report.
   *
   * @param unit the figure's unit, used for bounds on the value
   * @return text such as {@code ≥ 0.85×}
   */
  public String describe(String unit) {
    String op = atLeast ? "≥ " : "≤ ";
    if (onRatio) {
      return op + String.format(Locale.ROOT, "%.2f×", bound);
    }
    return op + Figures.format(bound) + (unit.isEmpty() ? "" : " " + unit);
  }
}
