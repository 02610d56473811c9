package one.flowmade.aether.benchmarks.report;

import java.util.Objects;
import java.util.Optional;

/**
 * One figure of the report: what Aether measured, what its baseline measured in the same run,
 * and their ratio.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name what was measured
 * @param unit the unit of both values
 * @param better which direction is good
 * @param aether Aether's figure
 * @param baseline the baseline's figure, measured in the same run
 * @param ratio Aether's figure divided by the baseline's; for figures measured in alternating
 *     rounds this is the median of the per-round ratios, not the ratio of the medians
 * @param target the target the figure is held to, if any
 * @param note anything the reader needs to read the figure right (spread, sample size), or empty
 */
public record Comparison(String name, String unit, Better better, double aether, double baseline,
    double ratio, Optional<Target> target, String note) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a reference is null
   */
  public Comparison {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(unit, "unit");
    Objects.requireNonNull(better, "better");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(note, "note");
  }

  /**
   * Returns a comparison whose ratio is Aether's figure over the baseline's.
   *
   * @param name what was measured
   * @param unit the unit
   * @param better which direction is good
   * @param aether Aether's figure
   * @param baseline the baseline's figure
   * @return the comparison, without target or note
   */
  public static Comparison of(String name, String unit, Better better, double aether,
      double baseline) {
    return new Comparison(name, unit, better, aether, baseline, aether / baseline,
        Optional.empty(), "");
  }

  /**
   * Returns a copy held to a target.
   *
   * @param target the target
   * @return the copy
   */
  public Comparison withTarget(Target target) {
    return new Comparison(name, unit, better, aether, baseline, ratio, Optional.of(target), note);
  }

  /**
   * Returns a copy with a ratio computed elsewhere (a median of per-round ratios).
   *
   * @param ratio the ratio
   * @return the copy
   */
  public Comparison withRatio(double ratio) {
    return new Comparison(name, unit, better, aether, baseline, ratio, target, note);
  }

  /**
   * Returns a copy with a note.
   *
   * @param note the note
   * @return the copy
   */
  public Comparison withNote(String note) {
    return new Comparison(name, unit, better, aether, baseline, ratio, target, note);
  }

  /**
   * Returns whether the figure meets its target.
   *
   * @return empty without a target, else whether it is met
   */
  public Optional<Boolean> met() {
    return target.map(t -> t.isMetBy(aether, ratio));
  }
}
