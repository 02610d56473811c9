package one.flowmade.aether.benchmarks.report;

import java.util.Arrays;
import java.util.Locale;

/** Number formatting and small statistics for the report. Stateless and thread-safe. */
public final class Figures {

  private Figures() {}

  /**
   * Formats a figure with three significant digits and thousands separators.
   *
   * @param value the figure
   * @return the text
   */
  public static String format(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    if (Double.isInfinite(value)) {
      return value > 0 ? "∞" : "-∞";
    }
    double abs = Math.abs(value);
    if (abs >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    if (abs >= 1) {
      return String.format(Locale.ROOT, "%.2f", value);
    }
    if (abs == 0) {
      return "0";
    }
    return String.format(Locale.ROOT, "%.3g", value);
  }

  /**
   * Returns the median of the values (the mean of the middle two for an even count).
   *
   * @param values the values, not empty
   * @return the median
   */
  public static double median(double... values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /**
   * Returns the value at a percentile of sorted values (nearest rank).
   *
   * @param sorted the values, sorted ascending, not empty
   * @param percentile from 0 to 100
   * @return the value
   */
  public static double percentile(long[] sorted, double percentile) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
