package one.flowmade.aether.benchmarks.nats;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.nats.NatsEventBus;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The NATS bus against raw core NATS: one connection publishes events as fast as it can, a
 * second one receives them; the figure is events received per second, from the first publish to
 * the last receipt. Both sides send the same subject, CloudEvents headers and body, and both
 * subscribers have the same client-side pending limit, so a slow subscriber drops the same way
 * (counted; reported in the note). Not thread-safe.
 */
public final class BusScenario {

  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  private final NatsTarget target;
  private final Sizes sizes;
  private final Namespace namespace = Workload.uniqueNamespace("bus");
  private final Payload data = Payload.json(Workload.json(Workload.MESSAGE_SIZE));

  /**
   * Creates the scenario.
   *
   * @param target where to run
   * @param sizes how much work to do
   */
  public BusScenario(NatsTarget target, Sizes sizes) {
    this.target = target;
    this.sizes = sizes;
  }

  /**
   * Runs the pair and adds its figure.
   *
   * @param section where the figure goes
   * @throws Exception if a run fails
   */
  public void run(Section section) throws Exception {
    System.out.println("-- " + target.label() + " NATS bus");
    int n = sizes.busMessages();
    List<BusEvent> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      events.add(BusEvent.of(namespace, "actor-" + (i % 100), Workload.newEvent(data)));
    }
    AtomicLong aetherDrops = new AtomicLong();
    AtomicLong rawDrops = new AtomicLong();
    try (Connection pub = target.connect("bus-pub"); Connection sub = target.connect("bus-sub");
        NatsEventBus publisher = NatsEventBus.builder(pub).build();
        NatsEventBus subscriber = NatsEventBus.builder(sub).build()) {
      Rounds.Measured c = Rounds.withCpu("bus publish → subscriber, " + n + " events",
          "events/s",
          Better.HIGHER, sizes.rounds(),
          round -> aether(publisher, subscriber, events, aetherDrops),
          round -> raw(pub, sub, events, rawDrops));
      section.add(c.figure().withNote(c.figure().note() + "; dropped (slow consumer): Aether "
          + aetherDrops.get() + ", raw " + rawDrops.get())).add(c.cpu());
    }
  }

  private double aether(NatsEventBus publisher, NatsEventBus subscriber, List<BusEvent> events,
      AtomicLong drops) throws Exception {
    int n = events.size();
    AtomicLong received = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    try (BusSubscription s = subscriber.subscribe(namespace, e -> {
      if (received.incrementAndGet() == n) {
        all.countDown();
      }
    })) {
      long t0 = System.nanoTime();
      for (BusEvent event : events) {
        publisher.publish(event);
      }
      long elapsed = awaitAll(all, received, s::dropped, n, t0);
      drops.addAndGet(s.dropped());
      return received.get() / (elapsed / 1e9);
    }
  }

  private double raw(Connection pub, Connection sub, List<BusEvent> events, AtomicLong drops)
      throws Exception {
    int n = events.size();
    AtomicLong received = new AtomicLong();
    CountDownLatch all = new CountDownLatch(1);
    Dispatcher d = sub.createDispatcher(m -> {
      if (received.incrementAndGet() == n) {
        all.countDown();
      }
    });
    d.setPendingLimits(NatsEventBus.Builder.DEFAULT_PENDING_LIMIT, 64L * 1024 * 1024);
    d.subscribe("aether.bus." + namespace.name() + ".>");
    sub.flush(Duration.ofSeconds(5));
    try {
      long t0 = System.nanoTime();
      // Like NatsEventBus.publish, the message (subject, headers) is built for each publish.
      for (BusEvent e : events) {
        pub.publish(RawMessages.busEvent(
            SubjectLayout.busSubject(namespace, e.actorId(), e.type()), e.actorId(),
            new NewEvent(e.id(), e.type(), e.timestamp(), e.metadata(), e.data())));
      }
      long elapsed = awaitAll(all, received, d::getDroppedCount, n, t0);
      drops.addAndGet(d.getDroppedCount());
      return received.get() / (elapsed / 1e9);
    } finally {
      sub.closeDispatcher(d);
    }
  }

  private static long awaitAll(CountDownLatch all, AtomicLong received,
      java.util.function.LongSupplier dropped, int n, long t0) throws InterruptedException {
    long deadline = t0 + TIMEOUT.toNanos();
    long lastChange = System.nanoTime();
    long lastSeen = -1;
    while (!all.await(20, TimeUnit.MILLISECONDS)) {
      long now = System.nanoTime();
      long seen = received.get() + dropped.getAsLong();
      if (seen != lastSeen) {
        lastSeen = seen;
        lastChange = now;
      }
      if (seen >= n || now - lastChange > Duration.ofSeconds(2).toNanos()) {
        // Everything arrived or was dropped, or nothing moves any more (lost in flight).
        return lastChange - t0;
      }
      if (now > deadline) {
        throw new IllegalStateException("received " + received.get() + " of " + n
            + " events within " + TIMEOUT);
      }
    }
    return System.nanoTime() - t0;
  }
}
