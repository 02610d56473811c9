package one.flowmade.aether.benchmarks.actors;

import io.nats.client.Connection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.benchmarks.actors.Bank.Account;
import one.flowmade.aether.benchmarks.actors.Bank.Deposited;
import one.flowmade.aether.benchmarks.cluster.ChildJvm;
import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.benchmarks.nats.Rounds;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;

/**
 * The bank-app shape of the hosted-actors issue: {@value #PROCESSES} {@link BankNodeMain} JVMs,
 * each a cluster node hosting the bank-account actor, on a 3-node nats-server cluster with R3
 * streams; in each, {@link BankSizes#threads()} sender threads deposit into {@link
 * BankSizes#accounts()} accounts shared by every thread of every process, one command at a time,
 * each with its own command id. Hosted: {@code ActorClient.send} (routed to the account's owner,
 * state cached). Reload: {@code ActorRepository.execute} in the sending process (every command
 * loads the account; concurrent writers conflict and retry). Each side has its own accounts.
 * Rounds alternate which side goes first after a warm-up round of each ({@link Rounds}); a
 * round's rate is the acknowledged deposits of all processes over the time from the parent's
 * start signal to the last process's report.
 *
 * <p>After every round (the warm-ups included) the parent loads each account of the side that
 * ran and checks that the balances add up to the acknowledged deposits times the amount and the
 * deposit counts to the acknowledged deposits: a lost or duplicated deposit fails the part.
 *
 * <p>Not thread-safe; {@link #close()} kills the processes and closes the stores.
 */
final class BankApp implements AutoCloseable {

  static final int PROCESSES = 3;
  private static final long AMOUNT = 10;
  private static final long WAIT_MILLIS = 120_000;

  private final BankSizes sizes;
  private final List<BankProcess> processes = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ActorRepository<Account, Deposited> check;
  private final Map<String, Long> acknowledged = new ConcurrentHashMap<>();
  private final Map<String, Long> sentAgain = new ConcurrentHashMap<>();
  private final Map<String, Long> alreadyApplied = new ConcurrentHashMap<>();
  private final Map<String, Long> attempts = new ConcurrentHashMap<>();
  private final Map<String, List<long[]>> latencies = new ConcurrentHashMap<>();
  private int checks;

  /** One child process and what it reported. */
  private static final class BankProcess {
    final String nodeId;
    ChildJvm jvm;
    volatile boolean ready;
    volatile int shards;
    /** The report of the round in progress: a {@code DONE} or {@code FAILED} line. */
    volatile String result;

    BankProcess(String nodeId) {
      this.nodeId = nodeId;
    }

    boolean record(String line) {
      if (line.equals("READY")) {
        ready = true;
      } else if (line.startsWith("SHARDS ")) {
        shards = Integer.parseInt(line.substring(7).trim());
      } else if (line.startsWith("DONE ") || line.startsWith("FAILED ")) {
        result = line;
      } else {
        return false;
      }
      return true;
    }
  }

  /**
   * Starts the processes and waits until every one owns some of the shards and together they own
   * all.
   */
  BankApp(NatsTarget target, String urls, BankSizes sizes) throws Exception {
    this.sizes = sizes;
    String run = Long.toString(System.nanoTime() & 0xffffffL, 36);
    Namespace namespace = Namespace.of("bench-bank-" + run);
    Connection connection = track(target.connect("bank-check"));
    JetStreamEventStore events = track(JetStreamEventStore.builder(connection, namespace)
        .replicas(3).build());
    JetStreamSnapshotStore snapshots = track(JetStreamSnapshotStore.builder(connection,
        namespace).replicas(3).build());
    this.check = Bank.repository(events, snapshots, sizes.snapshotEvery());
    try {
      for (int i = 1; i <= PROCESSES; i++) {
        BankProcess p = new BankProcess("bank-" + i);
        p.jvm = ChildJvm.start(p.nodeId, sizes.jvmOptions(), p::record,
            BankNodeMain.class.getName(), urls, "bench-bank-" + run, p.nodeId, namespace.name(),
            Integer.toString(sizes.snapshotEvery()), Integer.toString(sizes.threads()));
        processes.add(p);
      }
      await("every process to join", () -> processes.stream().allMatch(p -> p.ready));
      await("the shards to be spread over the processes", () -> processes.stream()
          .allMatch(p -> p.shards > 0) && processes.stream().mapToInt(p -> p.shards).sum()
          == HostedVsReload.SHARDS);
    } catch (Exception | Error e) {
      close();
      throw e;
    }
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Runs the rounds and adds the figures to the section. */
  void run(Section section) throws Exception {
    String shape = PROCESSES + " processes × " + sizes.threads() + " threads, "
        + sizes.accounts() + " accounts, R3";
    Comparison rate = Rounds.alternate(shape + ": commands/s", "commands/s", Better.HIGHER,
        sizes.rounds(), true, round -> round("hosted", round), round -> round("reload", round));
    section.add(rate.withTarget(Target.ratioAtLeast(10))
        .withNote(rate.note() + "; " + PROCESSES * sizes.threads() * sizes.commandsPerThread()
            + " commands per round and side"));
    long[] h = merge(latencies.get("hosted"));
    long[] r = merge(latencies.get("reload"));
    for (double p : new double[] {50, 99}) {
      section.add(Comparison.of(shape + ": p" + (int) p + " latency", "ms", Better.LOWER,
          Figures.percentile(h, p) / 1e3, Figures.percentile(r, p) / 1e3)
          .withNote(h.length + " commands per side, each until acknowledged"));
    }
    section.note(String.format(Locale.ROOT, "Bank-app shape, correctness: after each of the %d"
            + " rounds (warm-ups included) every account was loaded; the balances held every"
            + " acknowledged deposit exactly once (hosted %d, reload %d deposits of %d). Sent"
            + " again with the same command id after a transient failure or a conflict the"
            + " repository gave up on: hosted %d, reload %d; of those found already applied:"
            + " hosted %d, reload %d. Decisions per acknowledged reload deposit (conflicts"
            + " decide again): %.2f.", checks, acknowledged.getOrDefault("hosted", 0L),
        acknowledged.getOrDefault("reload", 0L), AMOUNT, sentAgain.getOrDefault("hosted", 0L),
        sentAgain.getOrDefault("reload", 0L), alreadyApplied.getOrDefault("hosted", 0L),
        alreadyApplied.getOrDefault("reload", 0L),
        (double) attempts.getOrDefault("reload", 0L) / acknowledged.getOrDefault("reload", 1L)));
  }

  /** Runs one round of a side in every process; returns the acknowledged deposits per second. */
  private double round(String side, int round) throws Exception {
    int perThread = round < 0 ? sizes.warmUpPerThread() : sizes.commandsPerThread();
    String line = String.join(" ", "RUN", side, Integer.toString(round + 1),
        Integer.toString(perThread), Long.toString(AMOUNT), side, Integer.toString(
            sizes.accounts()));
    for (BankProcess p : processes) {
      p.result = null;
    }
    long start = System.nanoTime();
    for (BankProcess p : processes) {
      p.jvm.send(line);
    }
    await(side + " round " + round, () -> processes.stream().allMatch(p -> p.result != null));
    double seconds = (System.nanoTime() - start) / 1e9;
    long acked = 0;
    for (BankProcess p : processes) {
      String[] f = p.result.split(" ", 8);
      if (f[0].equals("FAILED")) {
        throw new IllegalStateException(side + " round " + round + " failed on " + p.nodeId
            + ": " + p.result + "\n" + p.jvm.output());
      }
      long processAcked = Long.parseLong(f[3]);
      acked += processAcked;
      sentAgain.merge(side, Long.parseLong(f[4]), Long::sum);
      alreadyApplied.merge(side, Long.parseLong(f[5]), Long::sum);
      attempts.merge(side, Long.parseLong(f[6]), Long::sum);
      if (round >= 0) {
        latencies.computeIfAbsent(side, s -> new ArrayList<>()).add(
            Arrays.stream(f[7].split(",")).mapToLong(Long::parseLong).toArray());
      }
    }
    long total = acknowledged.merge(side, acked, Long::sum);
    checkBalances(side, total);
    return acked / seconds;
  }

  /**
   * Loads every account of a side and checks it holds exactly the acknowledged deposits.
   *
   * @throws IllegalStateException if a deposit is missing or counted twice
   */
  private void checkBalances(String side, long acked) {
    long balance = 0;
    long deposits = 0;
    StringBuilder accounts = new StringBuilder();
    for (int i = 0; i < sizes.accounts(); i++) {
      ActorState<Account> state = check.load(side + "-" + i);
      balance += state.state().balance();
      deposits += state.state().deposits();
      accounts.append(' ').append(state.actorId()).append('=').append(state.state().deposits())
          .append("@v").append(state.version());
    }
    checks++;
    if (balance != acked * AMOUNT || deposits != acked) {
      throw new IllegalStateException("lost or duplicated deposits on the " + side + " side: "
          + acked + " acknowledged deposits of " + AMOUNT + ", but the accounts hold " + deposits
          + " deposits and a balance of " + balance + " (expected " + acked * AMOUNT + "):"
          + accounts);
    }
  }

  private static long[] merge(List<long[]> runs) {
    long[] all = runs.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  private void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS
        + sizes.commandsPerThread() * 1_000L;
    while (!condition.getAsBoolean()) {
      for (BankProcess p : processes) {
        if (!p.jvm.isAlive()) {
          throw new IllegalStateException("process " + p.nodeId + " died while waiting for "
              + what + ":\n" + p.jvm.output());
        }
      }
      if (System.currentTimeMillis() > deadline) {
        StringBuilder out = new StringBuilder();
        for (BankProcess p : processes) {
          out.append("\n--- ").append(p.nodeId).append(" (").append(p.shards)
              .append(" shards)\n").append(p.jvm.output());
        }
        throw new IllegalStateException("no " + what + " in time" + out);
      }
      Thread.sleep(5);
    }
  }

  @Override
  public void close() {
    for (BankProcess p : processes) {
      try {
        if (p.jvm != null) {
          p.jvm.close();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // best effort: the run is over
      }
    }
  }
}
