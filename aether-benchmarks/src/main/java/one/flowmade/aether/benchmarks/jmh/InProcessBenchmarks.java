package one.flowmade.aether.benchmarks.jmh;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import one.flowmade.aether.benchmarks.Settings;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks of this package and turns each Aether/baseline pair into a {@link
 * Comparison}. Each side of a pair runs in its own short JMH run (1 fork, 1 × 1 s warm-up, 2 × 1 s
 * measurement; much less with {@code --quick}), {@value #ROUNDS} times, alternating which side
 * goes first, so load from elsewhere on the machine hits both sides alike; the ratio is the median
 * of the per-round ratios. Not thread-safe; one run at a time.
 */
public final class InProcessBenchmarks {

  /**
   * One pair: the Aether benchmark method and its baseline in the same class.
   *
   * @param benchmark the class
   * @param aether the method measuring Aether
   * @param raw the method measuring the baseline
   * @param figure the figure's name in the report
   * @param unit the unit of the score
   * @param target the target, if any
   */
  record Pair(Class<?> benchmark, String aether, String raw, String figure, String unit,
      Optional<Target> target) {}

  record Group(String title, String description, List<Pair> pairs) {}

  static final List<Group> GROUPS = List.of(
      new Group("Codec (JMH)",
          "Aether's Jackson codec and CloudEvents header mapping against the same work written by"
              + " hand: Jackson on the same `ObjectMapper`, and `Headers.put`/`getFirst` of the"
              + " same values. Event of " + "about 200 bytes of JSON, 9 headers.",
          List.of(
              new Pair(CodecBenchmark.class, "encode", "rawEncode", "encode an event object",
                  "ops/s", Optional.empty()),
              new Pair(CodecBenchmark.class, "decode", "rawDecode", "decode an event object",
                  "ops/s", Optional.empty()),
              new Pair(CodecBenchmark.class, "encodeHeaders", "rawEncodeHeaders",
                  "write CloudEvents headers", "ops/s", Optional.empty()),
              new Pair(CodecBenchmark.class, "decodeHeaders", "rawDecodeHeaders",
                  "read a stored event from headers", "ops/s", Optional.empty()))),
      new Group("In-memory store (JMH)",
          "`InMemoryEventStore` against a hand-written store: one lock over a map of per-actor"
              + " lists and a global list, with the same expected-version check. Appends go"
              + " round-robin to 1,000 actors; reads return one actor's 100 events.",
          List.of(
              new Pair(MemoryStoreBenchmark.class, "append", "rawAppend", "append one event",
                  "ops/s", Optional.empty()),
              new Pair(MemoryStoreBenchmark.class, "read", "rawRead", "read 100 events",
                  "ops/s", Optional.empty()))),
      new Group("Actor repository (JMH)",
          "`ActorRepository.load` of an actor with 100 events on the in-memory store, against"
              + " reading the same events from the store, decoding each with Jackson and folding"
              + " them by hand.",
          List.of(
              new Pair(ActorRepositoryBenchmark.class, "load", "rawLoad",
                  "load an actor of 100 events", "ops/s", Optional.empty()))),
      new Group("Local bus (JMH)",
          "`LocalEventBus` delivering each event to 4 subscribers (blocking overflow policy,"
              + " queues of 4,096), against the same fan-out on 4 JDK `ArrayBlockingQueue`s of"
              + " the same capacity, each drained by its own thread. Events published per second;"
              + " the blocking policy keeps publishers within one queue of the slowest"
              + " subscriber. The run fails if the bus counts a single drop, so a figure here"
              + " means drops = 0.",
          List.of(
              new Pair(LocalBusBenchmark.class, "publish", "rawPublish",
                  "events/s to 4 subscribers", "events/s",
                  Optional.of(Target.valueAtLeast(1_000_000))))));

  /** Alternating runs of each side of a pair. */
  static final int ROUNDS = 2;
  static final int WARMUPS = 1;
  static final int MEASUREMENTS = 2;

  private final Settings settings;

  /**
   * Creates the runner.
   *
   * @param settings the suite's settings
   */
  public InProcessBenchmarks(Settings settings) {
    this.settings = settings;
  }

  /**
   * Runs every pair and adds one section per group to the report.
   *
   * @param report the report
   * @throws RunnerException if JMH cannot run
   */
  public void run(Report report) throws RunnerException {
    int rounds = settings.quick() ? 1 : ROUNDS;
    for (Group group : GROUPS) {
      Section section = report.add(new Section(group.title(), group.description()));
      for (Pair pair : group.pairs()) {
        double[] aether = new double[rounds];
        double[] raw = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          if (r % 2 == 0) {
            raw[r] = score(pair.benchmark(), pair.raw());
            aether[r] = score(pair.benchmark(), pair.aether());
          } else {
            aether[r] = score(pair.benchmark(), pair.aether());
            raw[r] = score(pair.benchmark(), pair.raw());
          }
          ratios[r] = aether[r] / raw[r];
        }
        double[] sorted = ratios.clone();
        java.util.Arrays.sort(sorted);
        Comparison comparison = Comparison.of(pair.figure(), pair.unit(), Better.HIGHER,
            Figures.median(aether), Figures.median(raw))
            .withRatio(Figures.median(ratios))
            .withNote(rounds + " alternating JMH runs each, ratios " + Figures.format(sorted[0])
                + "–" + Figures.format(sorted[sorted.length - 1]));
        section.add(pair.target().map(comparison::withTarget).orElse(comparison));
      }
    }
  }

  /** Runs one benchmark method in its own JMH run and returns its score. */
  private double score(Class<?> benchmark, String method) throws RunnerException {
    ChainedOptionsBuilder options = new OptionsBuilder()
        .include(method(benchmark, method))
        .shouldFailOnError(true)
        .jvmArgsAppend("-Xmx1g");
    if (settings.quick()) {
      options.forks(0).warmupIterations(1).warmupTime(TimeValue.milliseconds(50))
          .measurementIterations(1).measurementTime(TimeValue.milliseconds(100));
    } else {
      options.forks(1).warmupIterations(WARMUPS).warmupTime(TimeValue.seconds(1))
          .measurementIterations(MEASUREMENTS).measurementTime(TimeValue.seconds(1));
    }
    Collection<RunResult> results = new Runner(options.build()).run();
    if (results.size() != 1) {
      throw new IllegalStateException("JMH returned " + results.size() + " results for "
          + benchmark.getSimpleName() + "." + method);
    }
    return results.iterator().next().getPrimaryResult().getScore();
  }

  private static String method(Class<?> benchmark, String method) {
    return "^" + benchmark.getName().replace(".", "\\.") + "\\." + method + "$";
  }
}
