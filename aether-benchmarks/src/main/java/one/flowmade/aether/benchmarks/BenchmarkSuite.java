package one.flowmade.aether.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Optional;
import one.flowmade.aether.benchmarks.cluster.ClusterScenario;
import one.flowmade.aether.benchmarks.cluster.Timings;
import one.flowmade.aether.benchmarks.jmh.InProcessBenchmarks;
import one.flowmade.aether.benchmarks.nats.BusScenario;
import one.flowmade.aether.benchmarks.fold.FoldScenario;
import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.benchmarks.nats.Sizes;
import one.flowmade.aether.benchmarks.nats.StoreScenarios;
import one.flowmade.aether.benchmarks.postgres.PostgresPeer;
import one.flowmade.aether.benchmarks.projections.ProjectionsPart;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.MarkdownReport;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.benchmarks.ring.RingBalance;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsServer;

/**
 * Runs the whole benchmark suite and writes the Markdown report.
 *
 * <pre>
 *   java -jar aether-benchmarks/target/aether-benchmarks.jar --report docs/benchmarks.md
 * </pre>
 *
 * <p>See {@link Settings} for the options. Each part that fails is recorded in the report (under
 * "Not measured in this run") and the suite goes on; the exit code is 1 if any part failed.
 */
public final class BenchmarkSuite {

  private BenchmarkSuite() {}

  /**
   * Runs the suite.
   *
   * @param args see {@link Settings}
   * @throws Exception if the report cannot be written
   */
  public static void main(String[] args) throws Exception {
    if (java.util.Arrays.asList(args).contains("--help")) {
      System.out.println(Settings.USAGE);
      return;
    }
    Settings settings = Settings.parse(args);
    Report report = run(settings);
    Path written = settings.report().toAbsolutePath();
    MarkdownReport.write(report, settings.report());
    System.out.println();
    System.out.println(MarkdownReport.render(report));
    System.out.println("Report written to " + written);
    if (!report.failures().isEmpty()) {
      System.exit(1);
    }
  }

  /**
   * Runs the selected parts and returns the report, without writing it.
   *
   * @param settings what to run
   * @return the report
   */
  public static Report run(Settings settings) {
    Report report = new Report();
    long start = System.nanoTime();
    describeMachine(report, settings);
    if (settings.runs(Part.JMH)) {
      part(report, "JMH benchmarks", () -> new InProcessBenchmarks(settings).run(report));
    }
    if (settings.runs(Part.RING)) {
      part(report, "shard balance", () -> RingBalance.run(report));
    }
    if (settings.runs(Part.R1)) {
      part(report, "R1 scenarios", () -> r1(settings, report));
    }
    if (settings.runs(Part.R3) || settings.runs(Part.CLUSTER)) {
      part(report, "R3 and cluster scenarios", () -> r3(settings, report));
    }
    if (settings.runs(Part.POSTGRES)) {
      part(report, "PostgreSQL peer", () -> PostgresPeer.run(report, sizes(settings),
          settings.quick() ? PostgresPeer.QUICK_WRITERS : PostgresPeer.WRITERS,
          natsServer(settings)));
    }
    if (settings.runs(Part.FOLD)) {
      part(report, "fold under -Xmx64m", () -> FoldScenario.run(report,
          settings.quick() ? FoldScenario.QUICK_EVENTS : FoldScenario.FULL_EVENTS,
          natsServer(settings)));
    }
    if (settings.runs(Part.ACTORS)) {
      part(report, "hosted actors", () -> one.flowmade.aether.benchmarks.actors.ActorsPart.run(
          natsServer(settings), settings.quick(), report));
    }
    if (settings.runs(Part.PROJECTIONS)) {
      part(report, "projections", () -> ProjectionsPart.run(report,
          settings.quick() ? ProjectionsPart.QUICK_EVENTS : ProjectionsPart.FULL_EVENTS,
          sizes(settings).rounds(), natsServer(settings)));
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    report.conditions().put("suite duration", took.toSeconds() + " s"
        + (settings.quick() ? " (--quick: smoke-test sizes, figures mean nothing)" : ""));
    return report;
  }

  /**
   * The binary to run: {@code --nats-server}; else, unless {@code $nats_server_path} is set, the
   * project cache that {@code scripts/install-nats-server.sh} fills, if the suite runs from the
   * project root and it exists; else whatever the test kit finds.
   */
  static Optional<Path> natsServer(Settings settings) {
    if (settings.natsServer().isPresent()) {
      return settings.natsServer().map(Path::toAbsolutePath);
    }
    String configured = System.getenv("nats_server_path");
    if (configured != null && !configured.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(PROJECT_CACHE.toAbsolutePath()).filter(Files::isExecutable);
  }

  static final Path PROJECT_CACHE =
      Path.of(".cache", "nats-server", "sid", "root", "usr", "sbin", "nats-server");

  private static Sizes sizes(Settings settings) {
    return settings.quick() ? Sizes.QUICK : Sizes.FULL;
  }

  private static void r1(Settings settings, Report report) throws Exception {
    NatsServer.Builder builder = NatsServer.builder().name("bench");
    natsServer(settings).ifPresent(builder::executable);
    try (NatsServer server = builder.start()) {
      report.conditions().put("nats-server", server.version().toString());
      NatsTarget target = new NatsTarget("R1", 1, server.version().toString(),
          server::connectionOptions);
      Section store = report.add(new Section("R1: JetStream event store vs raw jnats",
          STORE_DESCRIPTION + " Single `nats-server` on loopback, streams with 1 replica."));
      try (StoreScenarios scenarios = new StoreScenarios(target, sizes(settings))) {
        scenarios.run(store);
      }
      Section bus = report.add(new Section("R1: NATS bus vs raw core NATS",
          "`NatsEventBus.publish` on one connection to a `NatsEventBus` subscription on another,"
              + " against raw `Connection.publish` of the same subject, headers and body to a"
              + " raw dispatcher with the same pending limit. Events received per second."));
      new BusScenario(target, sizes(settings)).run(bus);
    }
  }

  private static void r3(Settings settings, Report report) throws Exception {
    NatsCluster.Builder builder = NatsCluster.builder().size(3);
    natsServer(settings).ifPresent(builder::executable);
    try (NatsCluster cluster = builder.start()) {
      NatsTarget target = new NatsTarget("R3", 3, cluster.node(1).version().toString(),
          cluster::connectionOptions);
      if (settings.runs(Part.R3)) {
        report.conditions().put("nats-server", target.serverVersion());
        Section store = report.add(new Section("R3: JetStream event store vs raw jnats",
            STORE_DESCRIPTION + " 3-node `nats-server` cluster on loopback, streams with 3"
                + " replicas; the client may use any node."));
        try (StoreScenarios scenarios = new StoreScenarios(target, sizes(settings))) {
          scenarios.run(store);
        }
      }
      if (settings.runs(Part.CLUSTER)) {
        cluster(settings, report, cluster.urls());
      }
    }
  }

  private static void cluster(Settings settings, Report report, String urls) throws Exception {
    Section section = report.add(new Section("Cluster: leader failover and shard reassignment",
        "Three `ClusterNode`s, each in its own JVM with `-Xmx64m`, join a cluster (1,024 shards,"
            + " bucket with 3 replicas) on the 3-node `nats-server` cluster. When one leads and"
            + " every shard is owned, the leader's JVM is killed with SIGKILL. Failover: from the"
            + " kill to another node's `elected`. Reassignment: until the survivors own all"
            + " 1,024 shards again. Baseline: a raw-jnats KV lease (create with per-key TTL,"
            + " renew with `Nats-TTL` + expected sequence, watchers campaign on the expiry"
            + " marker) with the same TTL and renewal interval, in the same kind of JVMs. With"
            + " the node's defaults a crashed leader's lease runs out only after its TTL, so"
            + " the figure is dominated by the TTL; the fast timings show what the protocol"
            + " costs on top of it. Handover on SIGTERM: the same, but the leader's JVM gets"
            + " SIGTERM (a rolling deploy, `docker stop`), so `ClusterNode`'s default shutdown"
            + " hook resigns and hands its shards over before the process exits; its baseline"
            + " is Aether's own figure after SIGKILL."));
    ClusterScenario scenario = new ClusterScenario(urls);
    scenario.run(section, Timings.FAST, settings.quick() ? 1 : 2);
    if (!settings.quick()) {
      scenario.run(section, Timings.DEFAULTS, 1);
    }
    long[] heap = scenario.heap();
    long[] example = null;
    try {
      Class.forName(EXAMPLE_NODE);
      example = scenario.exampleHeap(Duration.ofSeconds(settings.quick() ? 3 : 8));
    } catch (ClassNotFoundException e) {
      report.skipped("heap of the example node", EXAMPLE_NODE + " is not on the class path");
    }
    Section heapSection = report.add(new Section("Heap of a cluster node under -Xmx64m",
        "Every node JVM of the failover scenario, and three nodes of the example program"
            + " `one.flowmade.aether.examples.cluster.ClusterNodeMain` (one of them killed so the"
            + " others take its shards over), ran with `-Xmx64m` (default GC) and sampled its"
            + " heap every 200 ms: the peak of used heap (garbage included) and the peak of the"
            + " live heap after a collection. The baseline is the raw-lease node in the same"
            + " kind of JVM. No node ran out of memory."));
    double mib = 1024.0 * 1024.0;
    heapSection.add(Comparison.of("peak heap used", "MiB", Better.LOWER, heap[0] / mib,
        heap[2] / mib).withTarget(Target.valueAtMost(64)));
    heapSection.add(Comparison.of("peak live heap after GC", "MiB", Better.LOWER,
        heap[1] / mib, heap[3] / mib));
    if (example != null) {
      heapSection.add(Comparison.of("example node (`aether-examples` `ClusterNodeMain`): peak"
          + " heap used", "MiB", Better.LOWER, example[0] / mib, heap[2] / mib)
          .withTarget(Target.valueAtMost(64))
          .withNote("3 example nodes, one killed after they settled; baseline: raw-lease node"));
      heapSection.add(Comparison.of("example node: peak live heap after GC", "MiB",
          Better.LOWER, example[1] / mib, heap[3] / mib));
    }
  }

  static final String EXAMPLE_NODE = "one.flowmade.aether.examples.cluster.ClusterNodeMain";

  static final String STORE_DESCRIPTION = "`JetStreamEventStore` against a raw-jnats program"
      + " doing the same work: appends of the same events (same subject layout, the same 12"
      + " headers, expected last subject sequence on the actor's subjects) to a second stream"
      + " with the same configuration; reads of the same messages with an ordered push consumer."
      + " Pipelined appends keep one append in flight per actor (as R3 requires) and all actors"
      + " in flight at once: raw `publishAsync` vs `appendAsync`. Single appends: raw"
      + " `JetStream.publish` (sync) vs `append`, warm = the store has appended to the actor"
      + " before, cold = a new store instance appending to an actor written by another one (it"
      + " must look up the actor's last sequence first). Replay: `read(actor, 1)` (the leader's"
      + " last-sequence get with a first direct batch of 256 events, then a short-lived pull"
      + " consumer for the rest, deleted after the read) vs a raw ordered consumer on the actor's"
      + " subjects; from a snapshot: `JetStreamSnapshotStore.load` + `read` of the events after"
      + " it (direct gets only) vs a raw last-message get on the snapshot stream + ordered"
      + " consumer. Catch-up: `subscribe(fromBeginning)` until the last event vs a raw ordered"
      + " consumer on the namespace's subjects.";

  /** A part of the suite. */
  @FunctionalInterface
  interface PartBody {
    void run() throws Exception;
  }

  static void part(Report report, String name, PartBody body) {
    System.out.println("== " + name);
    try {
      body.run();
    } catch (Exception | AssertionError e) {
      System.err.println(name + " failed: " + e);
      e.printStackTrace();
      report.failed(name, e);
    }
  }

  private static void describeMachine(Report report, Settings settings) {
    Runtime runtime = Runtime.getRuntime();
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    report.conditions()
        .put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("JDK", System.getProperty("java.vm.name") + " " + Runtime.version())
        .put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"))
        .put("cores", Integer.toString(runtime.availableProcessors()))
        .put("load average at start", load < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", load))
        .put("message size", Workload.MESSAGE_SIZE + " bytes of JSON data per event, plus its"
            + " headers: CloudEvents attributes and a correlation id, and for stored events the"
            + " message id and expected-sequence headers (12 headers, about 475 bytes; the"
            + " store sections list them)")
        .put("JMH settings", settings.quick() ? "0 forks, 1 × 50 ms warm-up, 1 × 100 ms"
            : "each side of a pair in its own run (1 fork, 1 × 1 s warm-up, 2 × 1 s"
                + " measurement, -Xmx1g), 2 rounds alternating which side goes first");
  }
}
