package one.flowmade.aether.benchmarks.actors;

import java.nio.file.Path;
import java.util.Optional;
import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsServer;

/**
 * The {@code actors} part of the suite: hosted actors against the reload-per-command path on a
 * single nats-server (R1) and a 3-node cluster (R3), the heap per cached hosted actor, and the
 * bank-app shape ({@link BankApp}: 3 processes, 20 accounts, R3).
 */
public final class ActorsPart {

  private ActorsPart() {}

  static final String DESCRIPTION = "Bank-account actors (state: two longs; one 1-event deposit"
      + " per command, each with a fresh command id), each with a history of %d events and a"
      + " snapshot every %d events (`SnapshotPolicy.everyEvents`) and a command-id horizon of as"
      + " many events, executed through `ActorRepository.execute` (the baseline: every command"
      + " loads the latest snapshot and the events after it, at least the horizon) and through"
      + " `ActorClient.send` to an `ActorHost` on one `ClusterNode` that owns all 64 shards"
      + " (state cached after the warm-up), through the node's own router: the node owns every"
      + " shard, so each command runs there without a NATS request/reply (the append still goes"
      + " to nats-server). Same process, same stores, separate actors of the"
      + " same shape per side. The \"Aether\" column is hosted, the baseline reload-per-command;"
      + " the ratio is hosted ÷ reload. Many actors: each sender thread has its own slice of"
      + " the actors, one command at a time.";

  /**
   * Runs the part.
   *
   * @param natsServer the nats-server binary, or empty for the test kit's default
   * @param quick smoke-test sizes
   * @param report where the figures go
   * @throws Exception if a scenario fails
   */
  public static void run(Optional<Path> natsServer, boolean quick, Report report)
      throws Exception {
    ActorSizes sizes = quick ? ActorSizes.QUICK : ActorSizes.FULL;
    Section section = report.add(new Section("Hosted actors vs reload per command",
        String.format(java.util.Locale.ROOT, DESCRIPTION, sizes.history(),
            sizes.snapshotEvery())));
    NatsServer.Builder single = NatsServer.builder().name("bench-actors");
    natsServer.ifPresent(single::executable);
    try (NatsServer server = single.start()) {
      NatsTarget r1 = new NatsTarget("R1", 1, server.version().toString(),
          server::connectionOptions);
      try (HostedVsReload scenario = new HostedVsReload(r1, sizes)) {
        scenario.run(section);
      }
      memory(report, r1, sizes);
    }
    NatsCluster.Builder cluster = NatsCluster.builder().size(3);
    natsServer.ifPresent(cluster::executable);
    try (NatsCluster nats = cluster.start()) {
      NatsTarget r3 = new NatsTarget("R3", 3, nats.node(1).version().toString(),
          nats::connectionOptions);
      try (HostedVsReload scenario = new HostedVsReload(r3, sizes)) {
        scenario.run(section);
      }
      bankApp(report, r3, nats.urls(), quick ? BankSizes.QUICK : BankSizes.FULL);
    }
  }

  static final String BANK_DESCRIPTION = "The issue's bank-app shape: %d JVMs, each a"
      + " `ClusterNode` (64 shards, default timings) with an `ActorHost` hosting the"
      + " bank-account actor, on the 3-node `nats-server` cluster, streams with 3 replicas. In"
      + " each JVM %d sender threads deposit into %d accounts shared by all threads of all JVMs,"
      + " each deposit to an account chosen at random, one at a time per thread, each with its"
      + " own command id. Hosted: `ActorClient.send` (routed to the account's owner, state"
      + " cached). Baseline, today's path: `ActorRepository.execute` in the sending JVM (every"
      + " command loads the latest snapshot and the events after it, at least the command-id"
      + " horizon; concurrent writers on one account conflict and retry, default"
      + " `RetryPolicy`). Same repository on both sides: a snapshot every %d events, command-id"
      + " horizon %d. Each side has its own accounts. A deposit not acknowledged (transient"
      + " failure, or a conflict after the repository's attempts) is sent again with the same"
      + " command id until it is; its latency counts from the first attempt. %d deposits per"
      + " thread and round; after a warm-up round of each side, rounds alternate which side goes"
      + " first; throughput is all JVMs' acknowledged deposits over the time from the start"
      + " signal to the last JVM's report; the ratio is hosted ÷ reload (median of per-round"
      + " ratios). After every round the balances are checked against the acknowledged"
      + " deposits.";

  /**
   * Runs the bank-app shape on the 3-node cluster.
   *
   * @throws IllegalStateException if a deposit is lost or duplicated
   */
  static void bankApp(Report report, NatsTarget r3, String urls, BankSizes sizes)
      throws Exception {
    Section section = report.add(new Section("Hosted actors: the bank-app shape (3 processes,"
        + " 20 accounts, R3)", String.format(java.util.Locale.ROOT, BANK_DESCRIPTION,
            BankApp.PROCESSES, sizes.threads(), sizes.accounts(), sizes.snapshotEvery(),
            sizes.snapshotEvery(), sizes.commandsPerThread())));
    try (BankApp bank = new BankApp(r3, urls, sizes)) {
      bank.run(section);
    }
  }

  private static void memory(Report report, NatsTarget target, ActorSizes sizes)
      throws Exception {
    Section section = report.add(new Section("Heap per cached hosted actor",
        "Live heap (after full collections) of this JVM with N bank-account actors (state: a"
            + " record of two longs) cached by an `ActorHost`, minus the live heap after the host"
            + " dropped its cache; the events go to a JetStream store (R1) that stays open"
            + " through both measurements. Counts the Caffeine entry, the actor id, the cached state and the"
            + " command ids the host keeps per actor (up to 256). No baseline: the figure is for"
            + " sizing `maxCachedActors`."));
    CachedActorMemory memory = new CachedActorMemory(target);
    double plain = memory.bytesPerActor(sizes.memoryActors(), 1, false);
    section.add(Comparison.of(sizes.memoryActors() + " actors, 1 command each, no command id",
        "bytes/actor", Better.LOWER, plain, plain).withNote("no baseline"));
    double oneId = memory.bytesPerActor(sizes.memoryActors(), 1, true);
    section.add(Comparison.of(sizes.memoryActors() + " actors, 1 command with a command id each",
        "bytes/actor", Better.LOWER, oneId, plain).withNote("baseline: no command id"));
    double manyIds = memory.bytesPerActor(sizes.memoryIdActors(), sizes.memoryIds(), true);
    section.add(Comparison.of(sizes.memoryIdActors() + " actors, " + sizes.memoryIds()
            + " commands with command ids each", "bytes/actor", Better.LOWER, manyIds, plain)
        .withNote("baseline: no command id; per further command id: "
            + one.flowmade.aether.benchmarks.report.Figures.format(
                (manyIds - oneId) / (sizes.memoryIds() - 1)) + " bytes"));
  }
}
