package one.flowmade.aether.benchmarks.jmh;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.OverflowPolicy;
import one.flowmade.aether.bus.local.LocalEventBus;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The local bus delivering every event to {@value #SUBSCRIBERS} subscribers under the blocking
 * overflow policy, against the same fan-out on plain JDK {@link ArrayBlockingQueue}s of the same
 * capacity, each drained by its own thread.
 *
 * <p>The score is events published per second; with the blocking policy a publisher cannot run
 * ahead of the slowest subscriber by more than one queue, so it is also the delivery rate. Each
 * iteration ends by waiting until every subscriber has received every event published, and the
 * run fails if the bus reports a single drop.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LocalBusBenchmark {

  static final int SUBSCRIBERS = 4;
  static final int CAPACITY = LocalEventBus.Builder.DEFAULT_CAPACITY;
  private static final Namespace NAMESPACE = Namespace.of("bench");
  private static final Object STOP = new Object();

  private BusEvent event;
  private LocalEventBus bus;
  private final List<AtomicLong> received = new ArrayList<>();
  private final List<BusSubscription> subscriptions = new ArrayList<>();
  private final List<BlockingQueue<Object>> queues = new ArrayList<>();
  private final List<Thread> consumers = new ArrayList<>();
  private final List<AtomicLong> rawReceived = new ArrayList<>();
  private long published;
  private long rawPublished;

  /** Opens the bus with its subscribers and the baseline's queues and threads. */
  @Setup(Level.Trial)
  public void setUp() {
    event = BusEvent.of(NAMESPACE, "actor-1", Workload.EVENT_TYPE,
        Payload.json(Workload.json(Workload.MESSAGE_SIZE)));
    bus = LocalEventBus.builder().name("bench").overflowPolicy(OverflowPolicy.BLOCK)
        .queueCapacity(CAPACITY).build();
    for (int i = 0; i < SUBSCRIBERS; i++) {
      AtomicLong count = new AtomicLong();
      received.add(count);
      subscriptions.add(bus.subscribe(NAMESPACE, e -> count.lazySet(count.get() + 1)));
    }
    for (int i = 0; i < SUBSCRIBERS; i++) {
      BlockingQueue<Object> queue = new ArrayBlockingQueue<>(CAPACITY);
      AtomicLong count = new AtomicLong();
      queues.add(queue);
      rawReceived.add(count);
      Thread consumer = new Thread(() -> drain(queue, count), "raw-subscriber-" + i);
      consumer.setDaemon(true);
      consumer.start();
      consumers.add(consumer);
    }
  }

  private static void drain(BlockingQueue<Object> queue, AtomicLong count) {
    try {
      for (Object e = queue.take(); e != STOP; e = queue.take()) {
        count.lazySet(count.get() + 1);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until every subscriber has received everything published, so the next iteration
   * starts with empty queues.
   *
   * @throws InterruptedException if interrupted
   */
  @TearDown(Level.Iteration)
  public void drained() throws InterruptedException {
    await(received, published);
    await(rawReceived, rawPublished);
  }

  private static void await(List<AtomicLong> counts, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    for (AtomicLong count : counts) {
      while (count.get() < expected) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("a subscriber received " + count.get() + " of "
              + expected + " events within 30 s");
        }
        Thread.sleep(1);
      }
    }
  }

  /**
   * Closes the bus and stops the baseline's threads; fails if the bus dropped anything.
   *
   * @throws InterruptedException if interrupted
   */
  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    long dropped = bus.metrics().dropped();
    subscriptions.forEach(BusSubscription::close);
    bus.close();
    for (BlockingQueue<Object> queue : queues) {
      queue.put(STOP);
    }
    for (Thread consumer : consumers) {
      consumer.join(5_000);
    }
    if (dropped != 0) {
      throw new IllegalStateException("the local bus dropped " + dropped
          + " events under the blocking policy");
    }
  }

  /** Aether: publish one event to the {@value #SUBSCRIBERS} subscribers. */
  @Benchmark
  public void publish() {
    bus.publish(event);
    published++;
  }

  /**
   * Baseline: put the same event into {@value #SUBSCRIBERS} blocking queues.
   *
   * @throws InterruptedException if interrupted
   */
  @Benchmark
  public void rawPublish() throws InterruptedException {
    for (int i = 0; i < SUBSCRIBERS; i++) {
      queues.get(i).put(event);
    }
    rawPublished++;
  }
}
