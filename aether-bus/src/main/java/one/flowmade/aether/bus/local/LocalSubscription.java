package one.flowmade.aether.bus.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusHandler;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.bus.DropReason;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import one.flowmade.aether.bus.OverflowPolicy;
import one.flowmade.aether.bus.internal.AbstractBusSubscription;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription of the local bus: a bounded {@link EventRing} filled by publishers and drained
 * by one named daemon thread that calls the handler.
 *
 * <p>Waiting is cheap when nobody waits: the delivery thread spins briefly, then parks with a
 * flag that publishers check after each offer; a publisher that finds the ring full under {@link
 * OverflowPolicy#BLOCK} spins briefly, then waits on a condition that the delivery thread signals
 * only when publishers are registered as waiting. Counters are batched and published every {@link
 * #FLUSH_EVERY} events and whenever the ring runs empty.
 *
 * <p>Thread-safe.
 */
final class LocalSubscription extends AbstractBusSubscription implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalSubscription.class);

  /** Outcomes of {@link #enqueue}. */
  static final int ACCEPTED = 0;
  static final int DROPPED = 1;
  static final int REJECTED = 2;
  static final int GONE = 3;
  static final int INTERRUPTED = 4;
  /** The queue was full and the publisher is this subscription's own delivery thread. */
  static final int SELF_BLOCKED = 5;
  /** What {@link #offer} returns when the ring is full: try again or apply the policy. */
  private static final int FULL = -1;

  private static final int OPEN = 0;
  /** Accepts nothing more and delivers what is queued (the bus is closing). */
  private static final int DRAINING = 1;
  /** Accepts nothing more and discards what is queued. */
  private static final int DISCARDING = 2;

  private static final int FLUSH_EVERY = 64;
  private static final int CONSUMER_SPINS = 256;
  private static final int CONSUMER_YIELDS = 8;
  private static final int PUBLISHER_SPINS = 128;
  private static final int PUBLISHER_YIELDS = 16;
  /** A safety net only: publishers are signalled; this bounds a wait if a signal were missed. */
  private static final long PUBLISHER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(LocalSubscription.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final LocalEventBus bus;
  private final long id;
  private final OverflowPolicy policy;
  private final EventRing ring;
  private final Thread thread;
  /** The topic of a single-namespace subscription, else null. */
  private final @Nullable Topic fixedTopic;

  private final ReentrantLock publisherLock = new ReentrantLock();
  private final Condition notFull = publisherLock.newCondition();
  private volatile int waitingPublishers;
  private volatile boolean consumerParked;

  private volatile int state = OPEN;
  private volatile boolean terminated;

  /** Events discarded on close and not reported yet; delivery thread only. */
  private long discardedCount;

  LocalSubscription(LocalEventBus bus, long id, NamespacePattern namespaces, EventFilter filter,
      BusHandler handler, OverflowPolicy policy, int capacity, BusListener listener,
      @Nullable Topic fixedTopic) {
    super(namespaces, filter, handler, listener, bus.tracing());
    this.bus = bus;
    this.id = id;
    this.policy = policy;
    this.ring = new EventRing(capacity);
    this.fixedTopic = fixedTopic;
    this.thread = bus.newThread(this, "aether-bus-" + bus.name() + "-" + id);
  }

  void start() {
    thread.start();
  }

  Thread thread() {
    return thread;
  }

  boolean accepts(BusEvent event) {
    return filter().matches(event);
  }

  // ---------------------------------------------------------------- publisher side

  /**
   * Offers an event according to the overflow policy. Drops are counted and reported here.
   *
   * @return {@link #ACCEPTED}, {@link #DROPPED}, {@link #REJECTED}, {@link #GONE} (closed) or
   *     {@link #INTERRUPTED}
   */
  int enqueue(BusEvent event, Topic topic) {
    int offered = offer(event);
    if (offered != FULL) {
      return offered;
    }
    switch (policy) {
      case DROP_NEWEST:
        dropUnqueued(event, topic, DropReason.OVERFLOW_NEWEST);
        return DROPPED;
      case FAIL:
        dropUnqueued(event, topic, DropReason.REJECTED);
        return REJECTED;
      case DROP_OLDEST:
        return evictAndOffer(event);
      case BLOCK:
      default:
        if (Thread.currentThread() == thread) {
          // A handler publishing into its own full queue would wait for itself forever.
          dropUnqueued(event, topic, DropReason.REJECTED);
          return SELF_BLOCKED;
        }
        return awaitRoomAndOffer(event);
    }
  }

  /** Counts and reports an event that never entered the queue. */
  void dropUnqueued(BusEvent event, Topic topic, DropReason reason) {
    topic.dropped.increment();
    dropped(Drop.of(this, reason, event), "");
  }

  private int evictAndOffer(BusEvent event) {
    int attempts = 0;
    for (;;) {
      BusEvent oldest = ring.poll();
      if (oldest != null) {
        Topic topic = topicOf(oldest);
        topic.dropped.increment();
        topic.dequeued.increment();
        dropped(Drop.of(this, DropReason.OVERFLOW_OLDEST, oldest), "");
      }
      int offered = offer(event);
      if (offered != FULL) {
        return offered;
      }
      backOff(++attempts);
    }
  }

  /** Spins first, then yields: the thread to wait for may need this CPU. */
  private static void backOff(int attempts) {
    if (attempts < 32) {
      Thread.onSpinWait();
    } else {
      Thread.yield();
    }
  }

  private int awaitRoomAndOffer(BusEvent event) {
    for (int i = 0; i < PUBLISHER_SPINS + PUBLISHER_YIELDS; i++) {
      wakeConsumer();
      if (i < PUBLISHER_SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
      int offered = offer(event);
      if (offered != FULL) {
        return offered;
      }
    }
    publisherLock.lock();
    try {
      waitingPublishers++;
      try {
        for (;;) {
          // Pairs with the fence in signalPublishersIfWaiting: either this offer sees the slot
          // the consumer freed, or the consumer sees this publisher waiting and signals.
          VarHandle.fullFence();
          int offered = offer(event);
          if (offered != FULL) {
            return offered;
          }
          wakeConsumer();
          notFull.awaitNanos(PUBLISHER_WAIT_NANOS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return INTERRUPTED;
      } finally {
        waitingPublishers--;
      }
    } finally {
      publisherLock.unlock();
    }
  }

  /**
   * Offers an event to the ring once and wakes the delivery thread if it went in.
   *
   * @return {@link #ACCEPTED}, {@link #GONE} (closed) or {@link #FULL}
   */
  private int offer(BusEvent event) {
    int result = ring.offer(event);
    if (result == EventRing.OK) {
      wakeConsumer();
      return ACCEPTED;
    }
    return result == EventRing.CLOSED ? GONE : FULL;
  }

  private void wakeConsumer() {
    if (consumerParked) {
      LockSupport.unpark(thread);
    }
  }

  // ---------------------------------------------------------------- delivery thread

  @Override
  public void run() {
    Tally tally = new Tally(fixedTopic);
    int sinceSignal = 0;
    // Wake waiting publishers once a batch of slots is free, not for every slot.
    int signalEvery = Math.max(1, Math.min(FLUSH_EVERY, ring.capacity() / 2));
    try {
      for (;;) {
        BusEvent event = ring.poll();
        if (event == null) {
          tally.flush();
          signalPublishersIfWaiting();
          sinceSignal = 0;
          int s = state;
          if (s == DISCARDING || (s == DRAINING && ring.isEmpty())) {
            break;
          }
          awaitEvents();
          continue;
        }
        if (state == DISCARDING) {
          discard(event);
          break;
        }
        tally.switchTo(event.namespace());
        if (++sinceSignal >= signalEvery) {
          signalPublishersIfWaiting();
          sinceSignal = 0;
        }
        tally.count(deliver(event));
      }
    } finally {
      tally.flush();
      ring.close();
      discardRemaining();
      terminated = true;
      signalPublishers();
      bus.terminated(this);
    }
  }

  /**
   * The delivery thread's counts, published to the subscription's fields and its namespace's
   * counters in batches. Delivery thread only.
   */
  private final class Tally {
    /** Null until the first event of a subscription to several namespaces. */
    private @Nullable Topic topic;
    private long pending;
    private long pendingErrors;
    private long delivered;
    private long errors;

    Tally(@Nullable Topic topic) {
      this.topic = topic;
    }

    /** Attributes the next events to this namespace's counters. */
    void switchTo(Namespace namespace) {
      if (topic == null || (topic.namespace != namespace && !topic.namespace.equals(namespace))) {
        flush();
        topic = bus.topic(namespace);
      }
    }

    void count(boolean handled) {
      pending++;
      if (!handled) {
        pendingErrors++;
      }
      if (pending >= FLUSH_EVERY) {
        flush();
      }
    }

    void flush() {
      if (pending == 0) {
        return;
      }
      // Every counted event was switched to first.
      Topic topic = Objects.requireNonNull(this.topic, "events counted before a namespace");
      delivered += pending;
      errors += pendingErrors;
      topic.delivered.add(pending);
      topic.dequeued.add(pending);
      if (pendingErrors > 0) {
        topic.handlerErrors.add(pendingErrors);
      }
      counted(delivered, errors);
      pending = 0;
      pendingErrors = 0;
    }
  }

  private void awaitEvents() {
    for (int i = 0; i < CONSUMER_SPINS + CONSUMER_YIELDS; i++) {
      if (ring.hasReadable() || state != OPEN) {
        return;
      }
      if (i < CONSUMER_SPINS) {
        Thread.onSpinWait();
      } else {
        Thread.yield();
      }
    }
    for (;;) {
      if (ring.hasReadable() || state != OPEN) {
        return;
      }
      if (!ring.isEmpty()) {
        // A publisher has claimed the next position and is writing it; it may be descheduled.
        Thread.yield();
        continue;
      }
      consumerParked = true;
      try {
        // Pairs with wakeConsumer: a publisher either sees the flag or this check sees its claim.
        if (ring.isEmpty() && state == OPEN) {
          LockSupport.park(this);
        }
      } finally {
        consumerParked = false;
      }
      return;
    }
  }

  private void signalPublishersIfWaiting() {
    VarHandle.fullFence();
    if (waitingPublishers != 0) {
      signalPublishers();
    }
  }

  private void signalPublishers() {
    publisherLock.lock();
    try {
      notFull.signalAll();
    } finally {
      publisherLock.unlock();
    }
  }

  /** Discards one event taken from the ring and every event after it. */
  private void discard(BusEvent first) {
    ring.close();
    discarded(first);
    discardRemaining();
  }

  private void discarded(BusEvent event) {
    Topic topic = topicOf(event);
    topic.dropped.increment();
    topic.dequeued.increment();
    discardedCount++;
  }

  /** After the ring is closed: removes and counts everything left, then reports it once. */
  private void discardRemaining() {
    int attempts = 0;
    for (;;) {
      BusEvent event = ring.poll();
      if (event != null) {
        discarded(event);
      } else if (ring.isEmpty()) {
        break;
      } else {
        backOff(++attempts); // a publisher claimed a position before the close and is writing it
      }
    }
    if (discardedCount > 0) {
      long count = discardedCount;
      discardedCount = 0;
      LOG.debug("{} discarded {} queued events on close", this, count);
      dropped(Drop.of(this, DropReason.CLOSED, count), "");
    }
  }

  private Topic topicOf(BusEvent event) {
    Topic topic = fixedTopic;
    return topic != null ? topic : bus.topic(event.namespace());
  }

  // ---------------------------------------------------------------- lifecycle

  /** The bus is closing: accept nothing more, deliver what is queued. */
  void drain() {
    STATE.compareAndSet(this, OPEN, DRAINING);
    ring.close();
    LockSupport.unpark(thread);
    signalPublishers();
  }

  /** Stop delivering and discard what is queued. */
  void discardQueued() {
    state = DISCARDING;
    ring.close();
    LockSupport.unpark(thread);
    signalPublishers();
  }

  /** Waits until the delivery thread has ended. */
  boolean awaitTermination(long deadlineNanos) {
    if (Thread.currentThread() == thread) {
      return terminated;
    }
    try {
      long remaining = deadlineNanos - System.nanoTime();
      if (remaining > 0) {
        TimeUnit.NANOSECONDS.timedJoin(thread, remaining);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return terminated;
  }

  @Override
  public void close() {
    if (state == DISCARDING) {
      return;
    }
    bus.unregister(this);
    discardQueued();
    Duration timeout = bus.closeTimeout();
    if (!awaitTermination(System.nanoTime() + timeout.toNanos())
        && Thread.currentThread() != thread) {
      LOG.warn("{} is still inside its handler {} after close; no further call will start",
          this, timeout);
    }
  }

  // ---------------------------------------------------------------- accessors

  @Override
  public boolean isActive() {
    return state == OPEN && !terminated;
  }

  @Override
  public long queueDepth() {
    return ring.size();
  }

  @Override
  public String toString() {
    return "LocalSubscription[" + bus.name() + "-" + id + ", namespaces=" + namespaces()
        + ", policy=" + policy + ", capacity=" + ring.capacity() + "]";
  }
}
