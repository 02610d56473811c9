package one.flowmade.aether.benchmarks.actors;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.CommandOptions;
import one.flowmade.aether.actor.CommandResult;
import one.flowmade.aether.benchmarks.actors.Bank.Account;
import one.flowmade.aether.benchmarks.actors.Bank.Deposit;
import one.flowmade.aether.benchmarks.actors.Bank.Deposited;
import one.flowmade.aether.benchmarks.cluster.ChildJvm;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.ActorHost;
import one.flowmade.aether.cluster.actor.CommandOutcome;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;

/**
 * One process of the bank-app shape ({@link BankApp}): a {@link ClusterNode} with an {@link
 * ActorHost} hosting the bank-account actor, and sender threads that deposit on the parent's
 * command. Both paths use the same repository (R3 stores); the parent gives each its own accounts.
 *
 * <p>Talks to the parent in lines ({@link ChildJvm}). It prints {@code READY} once it is a member,
 * {@code SHARDS <count>} whenever the number of shards it owns changes, and per round {@code DONE
 * <side> <round> <acknowledged> <sent again> <already applied> <attempts> <latencies in µs,
 * comma-separated>}
 * or {@code FAILED <side> <round> <message>}. It reads {@code RUN <side> <round> <commands per
 * thread> <amount> <account prefix> <accounts>}, where side is {@code hosted} ({@link
 * ActorClient#send}) or {@code reload} ({@link ActorRepository#execute}); each of its threads
 * then sends that many deposits, one at a time, each to an account chosen at random, each with
 * its own command id, sent again with the same id after a transient failure or a conflict the
 * repository gave up on, until acknowledged. Attempts count the repository's decisions of the
 * acknowledged commands (a conflict decides again) or the hosted sends. It leaves when stdin
 * closes.
 *
 * <pre>
 *   java -cp aether-benchmarks.jar one.flowmade.aether.benchmarks.actors.BankNodeMain \
 *       URLS CLUSTER NODE NAMESPACE SNAPSHOT_EVERY THREADS
 * </pre>
 */
public final class BankNodeMain {

  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
  /** How long one deposit may take, attempts sent again included, before the round fails. */
  private static final Duration COMMAND_DEADLINE = Duration.ofMinutes(2);

  private final String nodeId;
  private final ActorRepository<Account, Deposited> repository;
  private final ActorClient client;
  private final ExecutorService senders;
  private final int threads;

  private BankNodeMain(String nodeId, ActorRepository<Account, Deposited> repository,
      ActorClient client, int threads) {
    this.nodeId = nodeId;
    this.repository = repository;
    this.client = client;
    this.threads = threads;
    this.senders = Executors.newFixedThreadPool(threads, HostedVsReload.named("bank-sender"));
  }

  /**
   * Runs the node.
   *
   * @param args server URLs, cluster name, node id, namespace, snapshot interval, sender threads
   * @throws Exception if the node cannot start
   */
  public static void main(String[] args) throws Exception {
    String urls = args[0];
    String cluster = args[1];
    String nodeId = args[2];
    Namespace namespace = Namespace.of(args[3]);
    int snapshotEvery = Integer.parseInt(args[4]);
    int threads = Integer.parseInt(args[5]);
    Options options = Options.builder().server(urls).connectionName(nodeId)
        .maxReconnects(-1).reconnectWait(Duration.ofMillis(250))
        .errorListener(new io.nats.client.ErrorListener() {}).build();
    try (Connection nc = Nats.connect(options);
        JetStreamEventStore events = JetStreamEventStore.builder(nc, namespace).replicas(3)
            .build();
        JetStreamSnapshotStore snapshots = JetStreamSnapshotStore.builder(nc, namespace)
            .replicas(3).build()) {
      ActorRepository<Account, Deposited> repository =
          Bank.repository(events, snapshots, snapshotEvery);
      ExecutorService handlers = Executors.newFixedThreadPool(16,
          HostedVsReload.named("bank-handler"));
      try (ActorHost host = ActorHost.builder().register(Bank.ACCOUNT, repository, Bank::decide)
              .build();
          ClusterNode node = HostedVsReload.joinCluster(nc, cluster, nodeId, 3, host,
              handlers)) {
        BankNodeMain main = new BankNodeMain(nodeId, repository, ActorClient.of(node.router()),
            threads);
        reportShards(node);
        ChildJvm.say("READY");
        ChildJvm.readCommands(main::command);
        main.senders.shutdownNow();
      } finally {
        handlers.shutdownNow();
      }
    }
  }

  private static void reportShards(ClusterNode node) {
    Thread reporter = new Thread(() -> {
      int reported = -1;
      while (true) {
        int owned = node.activeShards().size();
        if (owned != reported) {
          ChildJvm.say("SHARDS " + owned);
          reported = owned;
        }
        try {
          TimeUnit.MILLISECONDS.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bank-shards");
    reporter.setDaemon(true);
    reporter.start();
  }

  /** One round's counts, shared by its sender threads. */
  private static final class Counts {
    final AtomicLong acknowledged = new AtomicLong();
    final AtomicLong sentAgain = new AtomicLong();
    final AtomicLong alreadyApplied = new AtomicLong();
    /** Decisions: the repository's attempts (conflicts decide again), or hosted sends. */
    final AtomicLong attempts = new AtomicLong();
  }

  private void command(String line) {
    String[] f = line.split(" ");
    if (!"RUN".equals(f[0])) {
      ChildJvm.say("FAILED ? ? unknown command '" + line + "'");
      return;
    }
    String side = f[1];
    String round = f[2];
    int perThread = Integer.parseInt(f[3]);
    long amount = Long.parseLong(f[4]);
    String prefix = f[5];
    int accounts = Integer.parseInt(f[6]);
    Counts counts = new Counts();
    long[] latencies = new long[perThread * threads];
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(senders.submit(() -> {
          for (int c = 0; c < perThread; c++) {
            String account = prefix + "-" + ThreadLocalRandom.current().nextInt(accounts);
            String commandId = String.join("-", nodeId, side, round, Integer.toString(thread),
                Integer.toString(c));
            long began = System.nanoTime();
            deposit(side, account, commandId, amount, counts);
            latencies[thread * perThread + c] = System.nanoTime() - began;
          }
          return null;
        }));
      }
      for (Future<?> worker : workers) {
        worker.get(30, TimeUnit.MINUTES);
      }
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
          ? e.getCause() : e;
      ChildJvm.say("FAILED " + side + " " + round + " " + String.valueOf(cause).replace('\n', ' '));
      return;
    }
    StringBuilder micros = new StringBuilder();
    for (long l : latencies) {
      if (micros.length() > 0) {
        micros.append(',');
      }
      micros.append(l / 1_000);
    }
    ChildJvm.say("DONE " + side + " " + round + " " + counts.acknowledged.get() + " "
        + counts.sentAgain.get() + " " + counts.alreadyApplied.get() + " "
        + counts.attempts.get() + " " + micros);
  }

  /**
   * Deposits until acknowledged: a transient failure (outcome unknown, store unreachable, owner
   * busy or moving) or a conflict the repository gave up on sends the command again with the same
   * command id, which applies it at most once.
   */
  private void deposit(String side, String account, String commandId, long amount,
      Counts counts) {
    long deadline = System.nanoTime() + COMMAND_DEADLINE.toNanos();
    for (int attempt = 1; ; attempt++) {
      try {
        boolean already = "hosted".equals(side) ? hosted(account, commandId, amount, counts)
            : reload(account, commandId, amount, counts);
        counts.acknowledged.incrementAndGet();
        if (already) {
          counts.alreadyApplied.incrementAndGet();
        }
        return;
      } catch (AetherTransientException | VersionConflictException e) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException("deposit " + commandId + " on '" + account
              + "' not acknowledged after " + attempt + " attempts in " + COMMAND_DEADLINE, e);
        }
        counts.sentAgain.incrementAndGet();
        backOff(attempt);
      }
    }
  }

  private boolean hosted(String account, String commandId, long amount, Counts counts) {
    counts.attempts.incrementAndGet();
    CommandOutcome<Deposited> outcome = client.send(Bank.ACCOUNT, account, new Deposit(amount),
        commandId, SEND_TIMEOUT);
    if (outcome.status() == CommandOutcome.Status.REJECTED) {
      throw new IllegalStateException("hosted deposit on '" + account + "' was " + outcome);
    }
    return outcome.status() == CommandOutcome.Status.ALREADY_APPLIED;
  }

  private boolean reload(String account, String commandId, long amount, Counts counts) {
    CommandResult<Account, Deposited> result = repository.execute(account,
        CommandOptions.defaults().withCommandId(commandId),
        state -> Bank.decide(state, new Deposit(amount)));
    counts.attempts.addAndGet(result.attempts());
    return result.alreadyApplied();
  }

  /** A jittered backoff of up to 10 ms doubling to 500 ms before a command is sent again. */
  private static void backOff(int attempt) {
    long cap = Math.min(500, 10L << Math.min(attempt - 1, 6));
    try {
      TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(cap + 1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while backing off", e);
    }
  }
}
