package one.flowmade.aether.benchmarks.actors;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.actor.CommandOptions;
import one.flowmade.aether.benchmarks.actors.Bank.Account;
import one.flowmade.aether.benchmarks.actors.Bank.Deposit;
import one.flowmade.aether.benchmarks.actors.Bank.Deposited;
import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.benchmarks.nats.Raw;
import one.flowmade.aether.benchmarks.nats.RawMessages;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Figures;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Target;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.ActorHost;
import one.flowmade.aether.cluster.actor.CommandOutcome;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.jetstream.JetStreamSnapshotStore;

/**
 * The same deposit commands on bank-account actors with the same history and snapshot policy,
 * executed (a) through {@link ActorRepository#execute} — every command loads the latest snapshot
 * and the events after it, decides, appends — and (b) through {@link ActorClient#send} to an
 * {@link ActorHost} on one {@link ClusterNode} that owns every shard, with the state cached. Both
 * give every command a fresh command id, as the documentation asks of callers. Each side has its
 * own actors (same count, same history), so they never write to each other's.
 *
 * <p>Two shapes: one hot actor, commands one after the other; and many actors, a fixed number of
 * sender threads, each sending to its own slice of the actors (so the reload path has no
 * conflicts to retry). Rounds alternate which side goes first after one unmeasured warm-up round
 * each (the hosted warm-up fills the cache). Throughput ratios are medians of per-round ratios;
 * latencies are percentiles of all measured commands of a side.
 *
 * <p>Raw baselines (the targets), on actors of their own in the same stream: raw jnats
 * publishes of the same event with the same headers as the store writes ({@link RawMessages}),
 * each with the expected last subject sequence of the actor (compare-and-set): for the hot actor
 * one after the other; for the many actors, by as many threads as the hosted senders, one at a
 * time each, and pipelined (every actor's next publish sent when its previous one is
 * acknowledged, up to {@code RAW_WINDOW} in flight in all).
 *
 * <p>Not thread-safe; {@link #close()} stops the node and closes the stores.
 */
final class HostedVsReload implements AutoCloseable {

  static final int SHARDS = 64;
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);
  private static final int RAW_WINDOW = 256;

  private final NatsTarget target;
  private final ActorSizes sizes;
  private final List<AutoCloseable> resources = new ArrayList<>();
  private final ActorRepository<Account, Deposited> repository;
  private final JetStreamEventStore events;
  private final ActorClient client;
  private final ExecutorService senders;
  private final Namespace namespace;
  private final JetStream raw;
  /** The pipelined baseline's actors: version and last sequence, kept across its rounds. */
  private final ConcurrentHashMap<String, long[]> pipelinedActors = new ConcurrentHashMap<>();

  HostedVsReload(NatsTarget target, ActorSizes sizes) {
    this.target = target;
    this.sizes = sizes;
    Namespace namespace = Namespace.of("bench-actors-" + target.label().toLowerCase(
        java.util.Locale.ROOT) + "-" + Long.toHexString(System.nanoTime()));
    this.namespace = namespace;
    Connection stores = track(target.connect("actors-stores"));
    this.events = track(JetStreamEventStore.builder(stores, namespace)
        .replicas(target.replicas()).build());
    JetStreamSnapshotStore snapshots = track(JetStreamSnapshotStore.builder(stores, namespace)
        .replicas(target.replicas()).build());
    this.repository = Bank.repository(events, snapshots, sizes.snapshotEvery());
    ActorHost host = track(ActorHost.builder()
        .register(Bank.ACCOUNT, repository, Bank::decide)
        .maxCachedActors(sizes.actors() + 10L)
        .build());
    ExecutorService handlers = Executors.newFixedThreadPool(32, named("aether-bench-handler"));
    resources.add(handlers::shutdownNow);
    Connection cluster = track(target.connect("actors-node"));
    ClusterNode node = track(startNode(cluster, target.replicas(), host, handlers));
    this.client = ActorClient.of(node.router());
    this.senders = Executors.newFixedThreadPool(sizes.senders(), named("aether-bench-sender"));
    resources.add(senders::shutdownNow);
    try {
      this.raw = track(target.connect("actors-raw")).jetStream();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot create a JetStream context", e);
    }
  }

  /**
   * Starts a one-node cluster of {@code SHARDS} shards hosting {@code host}, attaches the host and
   * waits until the node owns every shard.
   */
  static ClusterNode startNode(Connection connection, int replicas, ActorHost host,
      java.util.concurrent.Executor handlers) {
    ClusterNode node = joinCluster(connection, "bench-actors-"
        + Long.toHexString(System.nanoTime()), "node-1", replicas, host, handlers);
    awaitEveryShard(node);
    return node;
  }

  /**
   * Joins {@code cluster} (of {@code SHARDS} shards) as {@code nodeId}, hosting {@code host}'s
   * actors, with the cluster's default timings, and attaches the host; returns without waiting
   * for shards.
   */
  static ClusterNode joinCluster(Connection connection, String cluster, String nodeId,
      int replicas, ActorHost host, java.util.concurrent.Executor handlers) {
    ClusterNode node = ClusterNode.builder()
        .connection(connection)
        .clusterName(cluster)
        .nodeId(nodeId)
        .replicas(replicas)
        .shardCount(SHARDS)
        .messageHandler(host.messageHandler())
        .shardListener(host.shardListener())
        .handlerExecutor(handlers)
        .build();
    host.attach(node);
    return node;
  }

  private <T extends AutoCloseable> T track(T resource) {
    resources.add(resource);
    return resource;
  }

  /** Runs both shapes and adds their comparisons to the section. */
  void run(Section section) throws Exception {
    String label = target.label();
    List<String> hotReload = List.of("reload-hot");
    List<String> hotHosted = List.of("hosted-hot");
    List<String> manyReload = new ArrayList<>();
    List<String> manyHosted = new ArrayList<>();
    for (int i = 0; i < sizes.actors(); i++) {
      manyReload.add("reload-" + i);
      manyHosted.add("hosted-" + i);
    }
    List<String> all = new ArrayList<>(List.of("reload-hot", "hosted-hot"));
    all.addAll(manyReload);
    all.addAll(manyHosted);
    prepare(all);

    String hotShape = label + ", one hot actor, sequential";
    Run hot = compare(section, hotShape, 1, sizes.hotCommands(), hotReload, hotHosted);
    String manyShape = label + ", " + sizes.actors() + " actors, " + sizes.senders() + " senders";
    Run many = compare(section, manyShape, sizes.senders(), sizes.manyCommands(), manyReload,
        manyHosted);

    List<String> rawMany = new ArrayList<>();
    for (int i = 0; i < sizes.actors(); i++) {
      rawMany.add("raw-" + i);
    }
    Side rawSequential = rawSide();
    // The targets: one hot actor >= 0.9x raw sequential compare-and-set, many actors
    // >= 0.85x raw pipelined; the 20-thread baseline is for comparison only.
    rawBaseline(section, hotShape, "raw sequential compare-and-set publishing", hot,
        Target.ratioAtLeast(0.9),
        () -> run(rawSequential, 1, sizes.hotCommands(), List.of("raw-hot")));
    rawBaseline(section, manyShape, "raw compare-and-set publishing, " + sizes.senders()
        + " threads", many, null, () -> run(rawSequential, sizes.senders(), sizes.manyCommands(),
            rawMany));
    rawBaseline(section, manyShape, "raw pipelined compare-and-set publishing, " + RAW_WINDOW
        + " in flight", many, Target.ratioAtLeast(0.85),
        () -> pipelined(sizes.manyCommands(), rawMany));
  }

  /** A raw baseline: a run of it. */
  @FunctionalInterface
  private interface RawRun {
    Run run() throws Exception;
  }

  /**
   * Runs a raw baseline (a warm-up and the rounds) and compares the hosted figures with it,
   * against {@code target} (null: none).
   */
  private void rawBaseline(Section section, String shape, String baseline, Run hosted,
      Target target, RawRun rawRun) throws Exception {
    rawRun.run();
    double[] rates = new double[sizes.rounds()];
    List<long[]> latencies = new ArrayList<>();
    for (int round = 0; round < sizes.rounds(); round++) {
      Run r = rawRun.run();
      rates[round] = r.commandsPerSecond();
      latencies.add(r.latencies());
    }
    long[] all = merge(latencies);
    Comparison comparison = Comparison.of(shape + ": hosted vs " + baseline, "commands/s",
        Better.HIGHER, hosted.commandsPerSecond(), Figures.median(rates));
    if (target != null) {
      comparison = comparison.withTarget(target);
    }
    section.add(comparison.withNote("baseline: median of " + sizes.rounds() + " rounds, p50 "
        + Figures.format(Figures.percentile(all, 50) / 1e6) + " ms, p99 "
        + Figures.format(Figures.percentile(all, 99) / 1e6) + " ms"));
  }

  /** Raw compare-and-set publishes, one at a time per actor (each actor has one thread). */
  private Side rawSide() {
    ConcurrentHashMap<String, long[]> actors = new ConcurrentHashMap<>();
    return (actor, id) -> {
      long[] state = actors.computeIfAbsent(actor, a -> new long[2]); // version, last sequence
      NewEvent event = Bank.CODEC.toNewEvent(new Deposited(1));
      PublishAck ack = Raw.publish(raw, RawMessages.event(namespace, actor, state[0] + 1,
          state[1], new NewEvent(id, event.type(), event.timestamp(), event.metadata(),
              event.data())));
      state[0]++;
      state[1] = ack.getSeqno();
    };
  }

  /**
   * Raw pipelined compare-and-set publishes: {@code commands} in all over the actors, each actor's
   * next one sent when its previous one is acknowledged, at most {@code RAW_WINDOW} in flight.
   */
  private Run pipelined(int commands, List<String> actors) throws Exception {
    ConcurrentHashMap<String, long[]> state = pipelinedActors;
    long[] latencies = new long[commands];
    Semaphore window = new Semaphore(RAW_WINDOW);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(commands);
    long start = System.nanoTime();
    // Command c goes to actor c mod n; the actor's previous command is c - n, so each actor's
    // commands are chained: the next is sent from the previous one's acknowledgement.
    int n = actors.size();
    for (int first = 0; first < Math.min(n, commands); first++) {
      window.acquire();
      sendPipelined(first, n, commands, actors, state, latencies, window, failure, done);
    }
    if (!done.await(10, TimeUnit.MINUTES) || failure.get() != null) {
      throw new IllegalStateException("raw pipelined publishing failed", failure.get());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Run(commands / seconds, latencies);
  }

  private void sendPipelined(int c, int n, int commands, List<String> actors,
      ConcurrentHashMap<String, long[]> state, long[] latencies, Semaphore window,
      AtomicReference<Throwable> failure, java.util.concurrent.CountDownLatch done) {
    String actor = "p" + actors.get(c % n);
    long[] s = state.computeIfAbsent(actor, a -> new long[2]);
    NewEvent event = Bank.CODEC.toNewEvent(new Deposited(1));
    long began = System.nanoTime();
    Raw.publishAsync(raw, RawMessages.event(namespace, actor, s[0] + 1, s[1], event))
        .whenComplete((ack, error) -> {
          if (error != null) {
            failure.compareAndSet(null, error);
            window.release();
            while (done.getCount() > 0) {
              done.countDown();
            }
            return;
          }
          latencies[c] = System.nanoTime() - began;
          s[0]++;
          s[1] = ack.getSeqno();
          done.countDown();
          if (c + n < commands && failure.get() == null) {
            sendPipelined(c + n, n, commands, actors, state, latencies, window, failure, done);
          } else {
            window.release();
          }
        });
  }

  /** Gives every actor its history: {@code history} events, and a snapshot at the last one. */
  private void prepare(List<String> actors) throws Exception {
    List<NewEvent> history = new ArrayList<>();
    for (int i = 0; i < sizes.history(); i++) {
      history.add(Bank.CODEC.toNewEvent(new Deposited(1)));
    }
    Semaphore window = new Semaphore(32);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (String actor : actors) {
      window.acquire();
      List<NewEvent> fresh = history.stream().map(e -> new NewEvent(UUID.randomUUID().toString(),
          e.type(), e.timestamp(), e.metadata(), e.data())).toList();
      pending.add(events.appendAsync(actor, ExpectedVersion.noStream(), fresh)
          .whenComplete((r, e) -> {
            window.release();
            if (e != null) {
              failure.compareAndSet(null, e);
            }
          }));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    if (failure.get() != null) {
      throw new IllegalStateException("could not write the actors' history", failure.get());
    }
    // The state at the last event is known (every event deposits 1): snapshot it without
    // loading, which would read the whole history.
    long h = sizes.history();
    List<Future<?>> snapshots = new ArrayList<>();
    for (String actor : actors) {
      snapshots.add(senders.submit(() -> repository.snapshotOnPassivation(
          new ActorState<>(actor, new Account(h, h), h, 0), 0)));
    }
    for (Future<?> f : snapshots) {
      f.get(5, TimeUnit.MINUTES);
    }
  }

  /** One side's run of a shape: the wall time and each command's latency. */
  private record Run(double commandsPerSecond, long[] latencies) {}

  /** How one side executes one deposit. */
  @FunctionalInterface
  private interface Side {
    void execute(String actorId, String commandId) throws Exception;
  }

  /** Compares the two sides on a shape; returns the hosted side's median rate and latencies. */
  private Run compare(Section section, String shape, int threads, int commands,
      List<String> reloadActors, List<String> hostedActors) throws Exception {
    Side reload = (actor, id) -> repository.execute(actor,
        CommandOptions.defaults().withCommandId(id), state -> Bank.decide(state, new Deposit(1)));
    Side hosted = (actor, id) -> {
      CommandOutcome<Deposited> outcome = client.send(Bank.ACCOUNT, actor, new Deposit(1), id,
          SEND_TIMEOUT);
      if (outcome.status() != CommandOutcome.Status.APPLIED) {
        throw new IllegalStateException("hosted deposit on '" + actor + "' was " + outcome);
      }
    };
    // Warm-up: every actor once on each side (fills the hosted cache, warms the JIT).
    run(reload, threads, Math.max(commands, reloadActors.size()), reloadActors);
    run(hosted, threads, Math.max(commands, hostedActors.size()), hostedActors);
    double[] ratios = new double[sizes.rounds()];
    double[] reloadRates = new double[sizes.rounds()];
    double[] hostedRates = new double[sizes.rounds()];
    List<long[]> reloadLatencies = new ArrayList<>();
    List<long[]> hostedLatencies = new ArrayList<>();
    for (int round = 0; round < sizes.rounds(); round++) {
      Run r;
      Run h;
      if (round % 2 == 0) {
        r = run(reload, threads, commands, reloadActors);
        h = run(hosted, threads, commands, hostedActors);
      } else {
        h = run(hosted, threads, commands, hostedActors);
        r = run(reload, threads, commands, reloadActors);
      }
      reloadRates[round] = r.commandsPerSecond();
      hostedRates[round] = h.commandsPerSecond();
      ratios[round] = h.commandsPerSecond() / r.commandsPerSecond();
      reloadLatencies.add(r.latencies());
      hostedLatencies.add(h.latencies());
    }
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    section.add(Comparison.of(shape + ": commands/s", "commands/s", Better.HIGHER,
        Figures.median(hostedRates), Figures.median(reloadRates))
        .withRatio(Figures.median(ratios))
        .withNote(sizes.rounds() + " alternating rounds of " + commands + " commands; ratios "
            + Figures.format(sorted[0]) + "–" + Figures.format(sorted[sorted.length - 1])));
    long[] r = merge(reloadLatencies);
    long[] h = merge(hostedLatencies);
    for (double p : new double[] {50, 99}) {
      section.add(Comparison.of(shape + ": p" + (int) p + " latency", "ms", Better.LOWER,
          Figures.percentile(h, p) / 1e6, Figures.percentile(r, p) / 1e6)
          .withNote(h.length + " commands per side"));
    }
    return new Run(Figures.median(hostedRates), h);
  }

  private Run run(Side side, int threads, int commands, List<String> actors) throws Exception {
    long[] latencies = new long[commands];
    List<Future<?>> workers = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < threads; t++) {
      int first = t;
      workers.add(senders.submit(() -> {
        // Thread t sends commands t, t + threads, ... to actor (command index mod actors): with
        // threads dividing the actors evenly, no two threads share an actor.
        for (int c = first; c < commands; c += threads) {
          String actor = actors.get(c % actors.size());
          long began = System.nanoTime();
          side.execute(actor, UUID.randomUUID().toString());
          latencies[c] = System.nanoTime() - began;
        }
        return null;
      }));
    }
    for (Future<?> worker : workers) {
      worker.get(10, TimeUnit.MINUTES);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Run(commands / seconds, latencies);
  }

  private static long[] merge(List<long[]> runs) {
    long[] all = runs.stream().flatMapToLong(Arrays::stream).toArray();
    Arrays.sort(all);
    return all;
  }

  private static void awaitEveryShard(ClusterNode node) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (node.activeShards().size() < SHARDS) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("the node owns " + node.activeShards().size() + " of "
            + SHARDS + " shards after 60 s");
      }
      try {
        TimeUnit.MILLISECONDS.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the shards", e);
      }
    }
  }

  static java.util.concurrent.ThreadFactory named(String prefix) {
    java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread thread = new Thread(r, prefix + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    for (int i = resources.size() - 1; i >= 0; i--) {
      try {
        resources.get(i).close();
      } catch (Exception e) {
        // best effort: the run is over
      }
    }
  }
}
