package one.flowmade.aether.verification.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsNode;
import one.flowmade.aether.verification.checker.Check;
import one.flowmade.aether.verification.checker.CheckReport;
import one.flowmade.aether.verification.checker.HistoryChecker;
import one.flowmade.aether.verification.history.AppendOp;
import one.flowmade.aether.verification.history.FinalState;
import one.flowmade.aether.verification.history.History;
import one.flowmade.aether.verification.history.HistoryEntry;
import one.flowmade.aether.verification.history.HistoryLog;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.Outcome;
import one.flowmade.aether.verification.history.StoredEvent;
import one.flowmade.aether.verification.workload.WorkloadConfig;
import org.awaitility.Awaitility;

/**
 * One Jepsen-style run: a 3-node NATS cluster with an R3 stream, three Aether nodes as separate
 * JVMs ({@link one.flowmade.aether.verification.workload.WorkloadNode}) running the workload of
 * a {@link Mode}, a seeded {@link Nemesis} killing and pausing NATS servers and Aether nodes,
 * then a fresh client reading the final state and the {@link HistoryChecker} checking the
 * recorded history. Shared by {@link FaultInjectionIT} and {@link HostedFaultInjectionIT}.
 *
 * <p>{@code -Daether.verification.duration=PT10M} sets how long faults are injected (60 s by
 * default, 45 s for the hosted run), {@code -Daether.verification.seed=<n>} replays a run's
 * fault schedule. Logs, the history and the report stay in {@code
 * target/verification/<mode>-<seed in hex>/} ({@code run-} for the plain run, {@code hosted-}).
 * Not thread-safe; one run per instance.
 */
final class FaultRun {

  /** What the three nodes' workers do. */
  enum Mode {
    /** Append with expected versions to six shared actors, two workers per node. */
    APPENDS("run", 6, 2, Duration.ofMillis(40)),
    /**
     * Host twelve accounts ({@code ActorHost}) and send deposits with command ids through {@code
     * ActorClient} to their owners, four workers per node.
     */
    HOSTED("hosted", 12, 4, Duration.ofMillis(20));

    final String prefix;
    final int actors;
    final int workers;
    final Duration pause;

    Mode(String prefix, int actors, int workers, Duration pause) {
      this.prefix = prefix;
      this.actors = actors;
      this.workers = workers;
      this.pause = pause;
    }
  }

  private static final Namespace NAMESPACE = Namespace.of("jepsen");
  private static final String CLUSTER = "jepsen";
  private static final int SHARDS = 8;
  private static final Duration RECOVERY = Duration.ofSeconds(20);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mode mode;
  private final String testClass;
  private final List<AetherProcess> aether = new ArrayList<>();
  private final int[] incarnations = new int[3];

  FaultRun(Mode mode, String testClass) {
    this.mode = mode;
    this.testClass = testClass;
  }

  /** Runs the faults, checks the history and returns it with the checker's report. */
  Result run() throws Exception {
    Duration duration = durationProperty(mode == Mode.HOSTED ? Duration.ofSeconds(45)
        : Duration.ofSeconds(60));
    long seed = seedProperty();
    Path dir = Path.of("target", "verification",
        mode.prefix + "-" + Long.toUnsignedString(seed, 16));
    deleteRecursively(dir);
    Files.createDirectories(dir);
    System.out.printf("fault-injection run (%s): seed %d, faults for %s, logs in %s%n"
        + "replay with: mvn -pl aether-verification verify -Dit.test=%s"
        + " -Daether.verification.seed=%d -Daether.verification.duration=%s%n",
        mode, seed, duration, dir.toAbsolutePath(), testClass, seed, duration);

    try (NatsCluster nats = NatsCluster.builder().startTimeout(Duration.ofSeconds(90)).start()) {
      try (Connection nc = nats.connect();
          JetStreamEventStore setup = JetStreamEventStore.builder(nc, NAMESPACE).replicas(3)
              .build()) {
        System.out.println("created " + setup.streamName() + " with 3 replicas");
      }
      List<String> servers = nats.nodes().stream().map(NatsNode::url).toList();
      for (int i = 0; i < 3; i++) {
        aether.add(startNode(i, servers, dir, seed));
      }
      Awaitility.await("every Aether node running").atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> aether.stream().allMatch(p -> output(dir, p).contains("running")));
      Moment started = Moment.now();

      Nemesis nemesis = new Nemesis(seed, nats, aether, i -> startNode(i, servers, dir, seed));
      nemesis.run(System.nanoTime() + duration.toNanos());
      Moment faultsStopped = Moment.now();
      nats.waitForJetStreamReady();
      Moment ownershipDeadline = faultsStopped.plus(RECOVERY);
      // Let the cluster settle past the deadline so every node confirms its shards after it.
      TimeUnit.NANOSECONDS.sleep(Math.max(0,
          ownershipDeadline.plus(Duration.ofSeconds(3)).nanos() - System.nanoTime()));

      List<CompletableFuture<Boolean>> stops = new ArrayList<>();
      for (AetherProcess process : aether) {
        stops.add(CompletableFuture.supplyAsync(() -> terminate(process)));
      }
      stops.forEach(CompletableFuture::join);
      FinalState finalState = readFinalState(nats);

      History history = History.builder()
          .addAll(readLogs(dir))
          .shardCount(SHARDS)
          .ownershipDeadline(ownershipDeadline)
          .finalState(finalState)
          .build();
      CheckReport report = HistoryChecker.check(history);
      StringBuilder text = new StringBuilder();
      text.append(mode).append(" run, seed ").append(seed).append(", faults for ")
          .append(duration).append('\n');
      text.append("faults injected:\n");
      for (Nemesis.Injected fault : nemesis.injected()) {
        text.append("  ").append(fault.describe(started)).append('\n');
      }
      text.append(throughput(history, started, faultsStopped)).append('\n');
      text.append(report.describe());
      Files.writeString(dir.resolve("report.txt"), text, StandardCharsets.UTF_8);
      System.out.println(text);

      long ok = history.appends().stream().filter(a -> a.outcome() == Outcome.OK).count();
      assertThat(ok).as("acknowledged appends").isGreaterThan(50);
      assertThat(history.terms()).as("leader terms").isNotEmpty();
      assertThat(history.tenures()).as("shard tenures").hasSizeGreaterThanOrEqualTo(SHARDS);
      assertThat(history.deliveries()).as("subscription deliveries").isNotEmpty();
      assertThat(nemesis.injected()).as("faults injected").hasSizeGreaterThanOrEqualTo(
          duration.compareTo(Duration.ofSeconds(40)) >= 0 ? Nemesis.Fault.values().length : 1);
      report.assertValid();
      assertCheckerCatchesTampering(history);
      return new Result(history, report);
    } finally {
      for (AetherProcess process : aether) {
        if (process.isAlive()) {
          process.kill();
        }
      }
    }
  }

  /** A checked run. */
  record Result(History history, CheckReport report) {}

  /**
   * Acknowledged operations per second during the fault phase and the latency of acknowledged
   * operations (a logical operation: from its first attempt to its acknowledgement).
   */
  static String throughput(History history, Moment from, Moment to) {
    List<Long> micros = new ArrayList<>();
    for (AppendOp a : history.appends()) {
      if (a.completed() != null && a.outcome() == Outcome.OK && !a.invoked().isBefore(from)
          && a.completed().isBefore(to)) {
        micros.add((a.completed().nanos() - a.invoked().nanos()) / 1000);
      }
    }
    micros.sort(null);
    double seconds = (to.nanos() - from.nanos()) / 1e9;
    if (micros.isEmpty()) {
      return "throughput: nothing acknowledged during the faults";
    }
    return String.format(Locale.ROOT, "throughput during the faults: %d acknowledged in %.1f s ="
        + " %.1f/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms", micros.size(), seconds,
        micros.size() / seconds, percentile(micros, 0.50) / 1000.0,
        percentile(micros, 0.99) / 1000.0, micros.get(micros.size() - 1) / 1000.0);
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(p * sorted.size())));
  }

  /**
   * The checker is only as good as its sensitivity on real data: drop one acknowledged event from
   * the final state, and duplicate another, and it must say so; in a hosted run, also make a
   * second node the writer of an event in an epoch another node wrote in.
   */
  private void assertCheckerCatchesTampering(History history) {
    List<StoredEvent> events = new ArrayList<>(history.finalState().events());
    AppendOp acknowledged = history.appends().stream()
        .filter(a -> a.outcome() == Outcome.OK).reduce((a, b) -> b).orElseThrow();
    String lost = acknowledged.eventIds().get(0);
    events.removeIf(e -> e.eventId().equals(lost));
    StoredEvent copied = events.get(events.size() / 2);
    events.add(new StoredEvent(copied.actorId(), copied.version(), copied.eventId(),
        events.get(events.size() - 1).position() + 1, copied.writer(), copied.epoch()));
    if (mode == Mode.HOSTED) {
      int i = 0;
      while (events.get(i).writer() == null || events.get(i).epoch() < 0) {
        i++;
      }
      StoredEvent real = events.get(i);
      String other = real.writer().startsWith("a1") ? "a2#9" : "a1#9";
      events.add(new StoredEvent(real.actorId(), real.version(), real.eventId() + "-forged",
          events.get(events.size() - 1).position() + 1, other, real.epoch()));
    }
    History tampered = new History(history.appends(), history.reads(), history.deliveries(),
        history.terms(), history.tenures(), history.shardCount(), history.ownershipDeadline(),
        new FinalState(events));

    CheckReport report = HistoryChecker.check(tampered);

    assertThat(report.counts()).containsKeys(
        Check.LOST_ACKNOWLEDGED_APPEND,
        Check.DUPLICATE_EVENT);
    if (mode == Mode.HOSTED) {
      assertThat(report.counts()).containsKey(Check.ONE_WRITER_PER_EPOCH);
    }
  }

  private AetherProcess startNode(int index, List<String> servers, Path dir, long seed) {
    int incarnation = ++incarnations[index];
    WorkloadConfig config = new WorkloadConfig(servers, NAMESPACE, CLUSTER, "a" + (index + 1),
        incarnation, dir.resolve("a" + (index + 1) + "#" + incarnation + ".jsonl"), mode.actors,
        mode.workers, SHARDS, seed + 7919L * index + incarnation, mode.pause,
        mode == Mode.HOSTED);
    return AetherProcess.start(config);
  }

  private static boolean terminate(AetherProcess process) {
    try {
      return process.terminate();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static String output(Path dir, AetherProcess process) {
    try {
      Path out = dir.resolve(process.label() + ".out");
      return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Reads every event back; an event whose JSON data names its {@code writer} and {@code epoch}
   * (a hosted deposit) keeps them for the writer checks.
   */
  private static FinalState readFinalState(NatsCluster nats) {
    List<StoredEvent> events = new ArrayList<>();
    try (Connection nc = nats.connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, NAMESPACE).build()) {
      Position from = Position.beginning();
      while (true) {
        ReadResult page = store.readAll(from, 500);
        assertThat(page.undecodable()).as("undecodable messages in the stream").isEmpty();
        for (Event e : page.events()) {
          JsonNode data = JSON.readTree(e.data().asUtf8());
          JsonNode writer = data.get("writer");
          JsonNode epoch = data.get("epoch");
          events.add(new StoredEvent(e.actorId(), e.version(), e.id(), e.position(),
              writer == null ? null : writer.asText(), epoch == null ? -1 : epoch.asLong()));
        }
        if (page.isEmpty()) {
          return new FinalState(events);
        }
        from = page.next();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("an event's data is not JSON", e);
    }
  }

  static List<HistoryEntry> readLogs(Path dir)
      throws IOException {
    List<HistoryEntry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        entries.addAll(HistoryLog.read(file));
      }
    }
    return entries;
  }

  private static Duration durationProperty(Duration bounded) {
    String value = System.getProperty("aether.verification.duration", "");
    return value.isBlank() ? bounded : Duration.parse(value);
  }

  static long seedProperty() {
    String value = System.getProperty("aether.verification.seed", "");
    return value.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(value);
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
