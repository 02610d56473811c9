package one.flowmade.aether.benchmarks.actors;

import io.nats.client.Connection;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.benchmarks.actors.Bank.Account;
import one.flowmade.aether.benchmarks.actors.Bank.Deposit;
import one.flowmade.aether.benchmarks.actors.Bank.Deposited;
import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.actor.ActorClient;
import one.flowmade.aether.cluster.actor.ActorHost;
import one.flowmade.aether.jetstream.JetStreamEventStore;

/**
 * The heap an {@link ActorHost} retains per cached actor: {@code count} bank-account actors
 * (state: two longs) each get {@code commandsPerActor} deposits through {@link ActorClient}, so
 * each is cached; then the live heap (after full collections) is compared with the live heap after
 * the host dropped its cache ({@link ActorHost#close()}). The events go to a JetStream store (on
 * the server, not in this heap) that stays open through both measurements, so only the cache's
 * share is counted: the cache entry, the key, the state record and the recent command ids. (The
 * store keeps its own bounded per-actor entry, keyed by the actor's subject token; it is not
 * counted.)
 *
 * <p>Not thread-safe; one measurement at a time.
 */
final class CachedActorMemory {

  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private final NatsTarget target;

  CachedActorMemory(NatsTarget target) {
    this.target = target;
  }

  /**
   * Measures.
   *
   * @param count actors to cache
   * @param commandsPerActor deposits per actor
   * @param withCommandIds whether each deposit has a command id (the host keeps up to 256 per
   *     cached actor)
   * @return the retained bytes per cached actor
   */
  double bytesPerActor(int count, int commandsPerActor, boolean withCommandIds) throws Exception {
    Namespace namespace = Namespace.of("bench-memory-" + Long.toHexString(System.nanoTime()));
    Connection storeConnection = target.connect("actors-memory-store");
    JetStreamEventStore events = JetStreamEventStore.builder(storeConnection, namespace)
        .replicas(target.replicas()).build();
    ActorRepository<Account, Deposited> repository =
        ActorRepository.builder(Bank.MODEL, Deposited.class).eventStore(events).codec(Bank.CODEC)
            .build();
    ActorHost host = ActorHost.builder()
        .register(Bank.ACCOUNT, repository, Bank::decide)
        .maxCachedActors(count + 10L)
        .passivateAfter(Duration.ofHours(1))
        .maxPendingCommands(100_000)
        .build();
    ExecutorService handlers =
        Executors.newFixedThreadPool(8, HostedVsReload.named("aether-bench-memory"));
    try (Connection connection = target.connect("actors-memory");
        ClusterNode node = HostedVsReload.startNode(connection, target.replicas(), host,
            handlers)) {
      ActorClient client = ActorClient.of(node.router());
      Semaphore window = new Semaphore(256);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      List<CompletableFuture<?>> sent = new ArrayList<>();
      for (int c = 0; c < commandsPerActor; c++) {
        for (int i = 0; i < count; i++) {
          window.acquire();
          sent.add(client.sendAsync(Bank.ACCOUNT, "acct-" + i, new Deposit(1),
                  withCommandIds ? UUID.randomUUID().toString() : null, Duration.ofSeconds(60))
              .whenComplete((outcome, e) -> {
                window.release();
                if (e != null) {
                  failure.compareAndSet(null, e);
                }
              }));
        }
        CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
        sent.clear();
      }
      if (failure.get() != null) {
        throw new IllegalStateException("a deposit failed", failure.get());
      }
      if (host.cachedActors() < count) {
        throw new IllegalStateException("only " + host.cachedActors() + " of " + count
            + " actors are cached");
      }
      long cached = liveHeap();
      host.close();
      long dropped = liveHeap();
      // Keep the store reachable until both measurements are taken.
      if (events.read("acct-0", 1).events().isEmpty()) {
        throw new IllegalStateException("the store lost the events");
      }
      return (cached - dropped) / (double) count;
    } finally {
      host.close();
      handlers.shutdownNow();
      events.close();
      storeConnection.close();
    }
  }

  /** The used heap after full collections, once it stops shrinking. */
  private static long liveHeap() throws InterruptedException {
    long best = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(100);
      long used = MEMORY.getHeapMemoryUsage().getUsed();
      if (used >= best - 64 * 1024) {
        return Math.min(best, used);
      }
      best = Math.min(best, used);
    }
    return best;
  }
}
