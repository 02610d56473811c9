package one.flowmade.aether.verification.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style run: a 3-node NATS cluster, three Aether nodes as separate JVMs appending with
 * expected versions to shared actors, reading them and following the namespace, while a seeded
 * {@link Nemesis} kills and pauses NATS servers and Aether nodes. Afterwards a fresh client reads
 * the final state and the {@link HistoryChecker} checks the recorded history: nothing
 * acknowledged lost, nothing stored twice, contiguous versions, no failed append stored,
 * linearizable appends per actor, one leader at a time, one owner per shard, every shard owned
 * again once the faults stop.
 *
 * <p>{@code -Daether.verification.duration=PT10M} sets how long faults are injected (bounded by
 * default), {@code -Daether.verification.seed=<n>} replays a run's fault schedule. Logs, the
 * history and the report stay in {@code target/verification/run-<seed>/}.
 */
final class FaultInjectionIT {

  private static final Namespace NAMESPACE = Namespace.of("jepsen");
  private static final String CLUSTER = "jepsen";
  private static final int SHARDS = 8;
  private static final Duration RECOVERY = Duration.ofSeconds(20);

  private final List<AetherProcess> aether = new ArrayList<>();
  private final int[] incarnations = new int[3];

  @Test
  void faultInjectedRun_losesNothingAndNeverHasTwoOwners() throws Exception {
    Duration duration = durationProperty();
    long seed = seedProperty();
    Path dir = Path.of("target", "verification", "run-" + Long.toUnsignedString(seed, 16));
    deleteRecursively(dir);
    Files.createDirectories(dir);
    System.out.printf("fault-injection run: seed %d, faults for %s, logs in %s%n"
        + "replay with: mvn -pl aether-verification verify -Dit.test=FaultInjectionIT"
        + " -Daether.verification.seed=%d -Daether.verification.duration=%s%n",
        seed, duration, dir.toAbsolutePath(), seed, duration);

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
      text.append("seed ").append(seed).append(", faults for ").append(duration).append('\n');
      text.append("faults injected:\n");
      for (Nemesis.Injected fault : nemesis.injected()) {
        text.append("  ").append(fault.describe(started)).append('\n');
      }
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
    } finally {
      for (AetherProcess process : aether) {
        if (process.isAlive()) {
          process.kill();
        }
      }
    }
  }

  /**
   * The checker is only as good as its sensitivity on real data: drop one acknowledged event from
   * the final state, and duplicate another, and it must say so.
   */
  private static void assertCheckerCatchesTampering(History history) {
    List<StoredEvent> events = new ArrayList<>(history.finalState().events());
    AppendOp acknowledged = history.appends().stream()
        .filter(a -> a.outcome() == Outcome.OK).reduce((a, b) -> b).orElseThrow();
    String lost = acknowledged.eventIds().get(0);
    events.removeIf(e -> e.eventId().equals(lost));
    StoredEvent copied = events.get(events.size() / 2);
    events.add(new StoredEvent(copied.actorId(), copied.version(), copied.eventId(),
        events.get(events.size() - 1).position() + 1));
    History tampered = new History(history.appends(), history.reads(), history.deliveries(),
        history.terms(), history.tenures(), history.shardCount(), history.ownershipDeadline(),
        new FinalState(events));

    CheckReport report = HistoryChecker.check(tampered);

    assertThat(report.counts()).containsKeys(
        Check.LOST_ACKNOWLEDGED_APPEND,
        Check.DUPLICATE_EVENT);
  }

  private AetherProcess startNode(int index, List<String> servers, Path dir, long seed) {
    int incarnation = ++incarnations[index];
    WorkloadConfig config = new WorkloadConfig(servers, NAMESPACE, CLUSTER, "a" + (index + 1),
        incarnation, dir.resolve("a" + (index + 1) + "#" + incarnation + ".jsonl"), 6, 2, SHARDS,
        seed + 7919L * index + incarnation, Duration.ofMillis(40));
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

  private static String output(Path dir, AetherProcess process) {
    try {
      Path out = dir.resolve(process.label() + ".out");
      return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static FinalState readFinalState(NatsCluster nats) {
    List<StoredEvent> events = new ArrayList<>();
    try (Connection nc = nats.connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, NAMESPACE).build()) {
      Position from = Position.beginning();
      while (true) {
        ReadResult page = store.readAll(from, 500);
        assertThat(page.undecodable()).as("undecodable messages in the stream").isEmpty();
        for (Event e : page.events()) {
          events.add(new StoredEvent(e.actorId(), e.version(), e.id(), e.position()));
        }
        if (page.isEmpty()) {
          return new FinalState(events);
        }
        from = page.next();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static List<HistoryEntry> readLogs(Path dir)
      throws IOException {
    List<HistoryEntry> entries = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).sorted().toList()) {
        entries.addAll(HistoryLog.read(file));
      }
    }
    return entries;
  }

  private static Duration durationProperty() {
    String value = System.getProperty("aether.verification.duration", "");
    return value.isBlank() ? Duration.ofSeconds(60) : Duration.parse(value);
  }

  private static long seedProperty() {
    String value = System.getProperty("aether.verification.seed", "");
    return value.isBlank() ? ThreadLocalRandom.current().nextLong() : Long.parseLong(value);
  }

  private static void deleteRecursively(Path dir) throws IOException {
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
