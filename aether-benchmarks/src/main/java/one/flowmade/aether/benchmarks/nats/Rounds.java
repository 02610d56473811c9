package one.flowmade.aether.benchmarks.nats;

import java.util.Arrays;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;

/**
 * Measures an Aether operation and its baseline in alternating rounds (baseline first in even
 * rounds, Aether first in odd ones) after one unmeasured warm-up round of each, so both see the
 * same machine load, JIT state and stream size as closely as one run allows. The ratio reported
 * is the median of the per-round ratios. Not thread-safe.
 */
public final class Rounds {

  /** One measurement: a figure such as events/s or seconds. */
  @FunctionalInterface
  public interface Measure {
    /**
     * Runs once.
     *
     * @param round the round, -1 for the warm-up
     * @return the figure
     * @throws Exception if the run fails
     */
    double run(int round) throws Exception;
  }

  /**
   * What a pair measured: the figure, and the client's CPU time for the same work.
   *
   * @param figure the figure (throughput or time) and its ratio
   * @param cpu this JVM's CPU time per round (all threads: the client, jnats, the store), Aether
   *     against the baseline. Both sides do the same amount of work per round, and CPU time does
   *     not count time spent waiting for a core, so this ratio stays meaningful on a loaded
   *     machine where the figure's ratio is noisy.
   */
  public record Measured(Comparison figure, Comparison cpu) {}

  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private Rounds() {}

  /**
   * Runs the pair like {@link #alternate(String, String, Better, int, boolean, Measure,
   * Measure)} and also measures this JVM's CPU time per round.
   *
   * @param name the figure's name
   * @param unit its unit
   * @param better which direction is good
   * @param rounds measured rounds, at least 1
   * @param aether measures Aether
   * @param baseline measures the baseline
   * @return the figure and the CPU comparison
   * @throws Exception if a run fails
   */
  public static Measured withCpu(String name, String unit, Better better, int rounds,
      Measure aether, Measure baseline) throws Exception {
    double[] aetherCpu = new double[rounds];
    double[] baselineCpu = new double[rounds];
    Comparison figure = alternate(name, unit, better, rounds, true,
        round -> cpu(aether, round, aetherCpu), round -> cpu(baseline, round, baselineCpu));
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      ratios[r] = aetherCpu[r] / baselineCpu[r];
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    Comparison cpu = Comparison.of(name + ": client CPU per round", "ms", Better.LOWER,
        Figures.median(aetherCpu), Figures.median(baselineCpu))
        .withRatio(Figures.median(ratios))
        .withNote("same work on both sides; ratios " + Figures.format(sorted[0]) + "–"
            + Figures.format(sorted[sorted.length - 1]));
    return new Measured(figure, cpu);
  }

  private static double cpu(Measure measure, int round, double[] cpuMillis) throws Exception {
    long before = OS.getProcessCpuTime();
    double figure = measure.run(round);
    long used = OS.getProcessCpuTime() - before;
    if (round >= 0) {
      cpuMillis[round] = used / 1e6;
    }
    return figure;
  }

  /**
   * Runs the pair.
   *
   * @param name the figure's name
   * @param unit its unit
   * @param better which direction is good
   * @param rounds measured rounds, at least 1
   * @param aether measures Aether
   * @param baseline measures the baseline
   * @return the comparison: median figures and the median per-round ratio
   * @throws Exception if a run fails
   */
  public static Comparison alternate(String name, String unit, Better better, int rounds,
      Measure aether, Measure baseline) throws Exception {
    return alternate(name, unit, better, rounds, true, aether, baseline);
  }

  /**
   * Runs the pair, with or without the warm-up round.
   *
   * @param name the figure's name
   * @param unit its unit
   * @param better which direction is good
   * @param rounds measured rounds, at least 1
   * @param warmUp whether to run one unmeasured round of each first
   * @param aether measures Aether
   * @param baseline measures the baseline
   * @return the comparison: median figures and the median per-round ratio
   * @throws Exception if a run fails
   */
  public static Comparison alternate(String name, String unit, Better better, int rounds,
      boolean warmUp, Measure aether, Measure baseline) throws Exception {
    if (warmUp) {
      baseline.run(-1);
      aether.run(-1);
    }
    double[] a = new double[rounds];
    double[] b = new double[rounds];
    double[] ratios = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      if (r % 2 == 0) {
        b[r] = baseline.run(r);
        a[r] = aether.run(r);
      } else {
        a[r] = aether.run(r);
        b[r] = baseline.run(r);
      }
      ratios[r] = a[r] / b[r];
      System.out.printf("  %s round %d: Aether %s, baseline %s %s, ratio %.2f%n", name, r,
          Figures.format(a[r]), Figures.format(b[r]), unit, ratios[r]);
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    return Comparison.of(name, unit, better, Figures.median(a), Figures.median(b))
        .withRatio(Figures.median(ratios))
        .withNote(rounds + " rounds, ratios " + Figures.format(sorted[0]) + "–"
            + Figures.format(sorted[sorted.length - 1]));
  }
}
