package one.flowmade.aether.examples.bank;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.actor.CommandResult;
import one.flowmade.aether.actor.SnapshotPolicy;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.codec.JacksonStateCodec;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.memory.InMemorySnapshotStore;

/**
 * A walk through Aether on the embedded default (in-memory stores): bank accounts as actors, a
 * concurrent conflict that is retried, a snapshot taken and used, and a projection fed by a
 * subscription.
 *
 * <p>Run it with {@code mvn -q -pl aether-examples -am install -DskipTests} and then {@code mvn -q
 * -pl aether-examples exec:java}.
 */
public final class BankExample {

  private final PrintStream out;

  BankExample(PrintStream out) {
    this.out = out;
  }

  /**
   * Runs the walk-through and prints what happens.
   *
   * @param args ignored
   * @throws Exception if the walk-through fails
   */
  public static void main(String[] args) throws Exception {
    new BankExample(System.out).run();
  }

  void run() throws Exception {
    Namespace bank = Namespace.of("bank");
    EventCodec codec = JacksonEventCodec.builder()
        .register("account.opened", AccountEvent.Opened.class)
        .register("account.deposited", AccountEvent.Deposited.class)
        .register("account.withdrawn", AccountEvent.Withdrawn.class)
        .build();

    try (EventStore events = InMemoryEventStore.builder().namespace(bank).build();
        SnapshotStore snapshots = InMemorySnapshotStore.builder().namespace(bank).build()) {
      ActorRepository<Account, AccountEvent> accounts =
          ActorRepository.builder(Account.MODEL, AccountEvent.class)
              .eventStore(events)
              .codec(codec)
              .snapshots(snapshots, JacksonStateCodec.of(Account.class))
              .snapshotPolicy(SnapshotPolicy.everyEvents(5))
              .build();

      out.println("== 1. A projection: total money per account, fed by a subscription");
      Map<String, Long> balances = new ConcurrentHashMap<>();
      EventSubscription projection = events.subscribe(SubscriptionOptions.fromBeginning(), event -> {
        Object decoded = codec.decode(event);
        long delta = decoded instanceof AccountEvent.Deposited d ? d.amountCents()
            : decoded instanceof AccountEvent.Withdrawn w ? -w.amountCents() : 0;
        balances.merge(event.actorId(), delta, Long::sum);
      });

      out.println("== 2. Three actors, driven through the actor repository");
      accounts.execute("alice", account -> account.open("Alice"));
      accounts.execute("bob", account -> account.open("Bob"));
      accounts.execute("carol", account -> account.open("Carol"));
      accounts.execute("alice", account -> account.deposit(10_000));
      accounts.execute("bob", account -> account.deposit(2_500));
      print(accounts.load("alice"));
      print(accounts.load("bob"));
      try {
        accounts.execute("carol", account -> account.withdraw(1));
      } catch (IllegalStateException rejected) {
        out.println("   carol's withdrawal was rejected: " + rejected.getMessage());
      }

      out.println("== 3. Two concurrent deposits on bob: one conflicts and is retried");
      CountDownLatch bothDecided = new CountDownLatch(2);
      AtomicBoolean firstRound = new AtomicBoolean(true);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<CommandResult<Account, AccountEvent>> a = pool.submit(() ->
            accounts.execute("bob", account -> waitForBoth(bothDecided, firstRound,
                account.deposit(100))));
        Future<CommandResult<Account, AccountEvent>> b = pool.submit(() ->
            accounts.execute("bob", account -> waitForBoth(bothDecided, firstRound,
                account.deposit(200))));
        out.println("   deposit of 100 took " + a.get(10, TimeUnit.SECONDS).attempts()
            + " attempt(s); deposit of 200 took " + b.get(10, TimeUnit.SECONDS).attempts()
            + " attempt(s)");
      } finally {
        pool.shutdown();
      }
      print(accounts.load("bob"));

      out.println("== 4. Snapshots: every 5 events; alice gets 9 more deposits");
      for (int i = 1; i <= 9; i++) {
        accounts.execute("alice", account -> account.deposit(50));
      }
      long snapshotVersion = snapshots.load("alice").orElseThrow().version();
      ActorState<Account> alice = accounts.load("alice");
      out.println("   latest snapshot of alice is at version " + snapshotVersion
          + "; loading alice read it plus the " + (alice.version() - snapshotVersion)
          + " event(s) after it");
      print(alice);

      out.println("== 5. The projection caught up with every event");
      long last = events.lastPosition();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (projection.lastPosition() < last && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(5);
      }
      out.println("   projection at position " + projection.lastPosition() + " of " + last
          + ": " + new java.util.TreeMap<>(balances));
      projection.close();
    }
  }

  private static <T> T waitForBoth(CountDownLatch latch, AtomicBoolean firstRound, T decision) {
    if (firstRound.get()) {
      latch.countDown();
      try {
        // Both commands decide on the same version before either appends, forcing a conflict.
        latch.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      firstRound.set(false);
    }
    return decision;
  }

  private void print(ActorState<Account> state) {
    Account account = state.state();
    out.println("   " + account.id() + " (" + account.owner() + "): balance "
        + account.balanceCents() + " cents at version " + state.version());
  }
}
