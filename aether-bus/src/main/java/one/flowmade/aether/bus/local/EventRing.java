package one.flowmade.aether.bus.local;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import one.flowmade.aether.bus.BusEvent;
import org.jspecify.annotations.Nullable;

/**
 * A bounded, closable, lock-free ring of events: many producers, one consumer, and producers may
 * also remove the oldest event (drop-oldest). It is Dmitry Vyukov's bounded queue: every slot
 * carries a sequence number that says whether it is free for the producer of a given position or
 * holds the event of a given position, so producers and the consumer only contend on the slot
 * they use and on their own index.
 *
 * <p>The array is a power of two in size; the capacity may be smaller and is enforced against the
 * consumer's index. Closing sets the top bit of the tail, so no producer can claim a position
 * afterwards, while those that claimed one before finish writing it. Fields written by producers
 * and by the consumer are kept on separate cache lines by the padding superclasses.
 *
 * <p>Thread-safe: {@link #offer} and {@link #close} from any thread; {@link #poll} from the
 * consumer and, for drop-oldest, from producers.
 */
final class EventRing extends EventRingHead {

  /** {@link #offer} stored the event. */
  static final int OK = 0;
  /** {@link #offer} found the ring full. */
  static final int FULL = 1;
  /** {@link #offer} found the ring closed. */
  static final int CLOSED = 2;

  private static final long CLOSED_BIT = Long.MIN_VALUE;
  private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] sequences;
  private final BusEvent[] events;
  private final int mask;
  private final int capacity;

  EventRing(int capacity) {
    if (capacity < 1 || capacity > 1 << 30) {
      throw new IllegalArgumentException("capacity must be 1 to 2^30, was " + capacity);
    }
    int size = Integer.highestOneBit(capacity);
    if (size < capacity) {
      size <<= 1;
    }
    this.capacity = capacity;
    this.mask = size - 1;
    this.sequences = new long[size];
    this.events = new BusEvent[size];
    for (int i = 0; i < size; i++) {
      sequences[i] = i;
    }
    producerLimit = capacity;
  }

  int capacity() {
    return capacity;
  }

  /**
   * Appends an event unless the ring is full or closed.
   *
   * @return {@link #OK}, {@link #FULL} or {@link #CLOSED}
   */
  int offer(BusEvent event) {
    long t = tail;
    for (;;) {
      if (t < 0) {
        return CLOSED;
      }
      if (t >= producerLimit) {
        long limit = head + capacity;
        if (t >= limit) {
          long again = tail;
          if (again == t) {
            return FULL;
          }
          t = again;
          continue;
        }
        producerLimit = limit;
      }
      int slot = (int) t & mask;
      long sequence = (long) SEQUENCE.getAcquire(sequences, slot);
      if (sequence == t) {
        if (TAIL.compareAndSet(this, t, t + 1)) {
          events[slot] = event;
          SEQUENCE.setRelease(sequences, slot, t + 1);
          return OK;
        }
      } else if (sequence < t) {
        // The consumer has not freed this slot yet: the array is full at this position.
        long again = tail;
        if (again == t) {
          return FULL;
        }
        t = again;
        continue;
      }
      t = tail;
    }
  }

  /**
   * Removes the oldest event.
   *
   * @return the event, or null if the ring is empty or its oldest position is still being written
   */
  @Nullable BusEvent poll() {
    long h = head;
    for (;;) {
      int slot = (int) h & mask;
      long sequence = (long) SEQUENCE.getAcquire(sequences, slot);
      long expected = h + 1;
      if (sequence == expected) {
        if (HEAD.compareAndSet(this, h, expected)) {
          BusEvent event = events[slot];
          events[slot] = null;
          SEQUENCE.setRelease(sequences, slot, h + mask + 1);
          return event;
        }
      } else if (sequence < expected) {
        return null;
      }
      h = head;
    }
  }

  /** Refuses every later {@link #offer}; idempotent. */
  void close() {
    for (;;) {
      long t = tail;
      if (t < 0 || TAIL.compareAndSet(this, t, t | CLOSED_BIT)) {
        return;
      }
    }
  }

  /** Whether {@link #poll} would return an event now (the oldest position is fully written). */
  boolean hasReadable() {
    long h = head;
    return (long) SEQUENCE.getAcquire(sequences, (int) h & mask) == h + 1;
  }

  boolean isClosed() {
    return tail < 0;
  }

  /** Whether no position is claimed beyond the head (claimed but unwritten counts as present). */
  boolean isEmpty() {
    return (tail & ~CLOSED_BIT) == head;
  }

  /** The number of claimed positions not yet removed, at most the capacity. */
  int size() {
    long h = head;
    long n = (tail & ~CLOSED_BIT) - h;
    return (int) Math.max(0, Math.min(n, capacity));
  }
}

/** Padding before the producers' fields. */
abstract class EventRingPad0 {
  long p00, p01, p02, p03, p04, p05, p06, p07;
  long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

/** The producers' fields. */
abstract class EventRingTail extends EventRingPad0 {
  static final VarHandle TAIL;

  static {
    try {
      TAIL = MethodHandles.lookup().findVarHandle(EventRingTail.class, "tail", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The next position to claim; the top bit is set once the ring is closed. */
  volatile long tail;
  /** A cached head + capacity: positions below it are known to be within the capacity. */
  volatile long producerLimit;
}

/** Padding between the producers' and the consumer's fields. */
abstract class EventRingPad1 extends EventRingTail {
  long p10, p11, p12, p13, p14, p15, p16, p17;
  long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

/** The consumer's field. */
abstract class EventRingHead extends EventRingPad1 {
  static final VarHandle HEAD;

  static {
    try {
      HEAD = MethodHandles.lookup().findVarHandle(EventRingHead.class, "head", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The next position to remove. */
  volatile long head;
  long p20, p21, p22, p23, p24, p25, p26, p27;
  long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}
