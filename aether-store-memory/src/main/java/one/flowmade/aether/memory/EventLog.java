package one.flowmade.aether.memory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.VersionConflictException;
import org.jspecify.annotations.Nullable;

/**
 * The state of one namespace, the in-memory counterpart of a JetStream stream and its durable
 * consumers: the global log of events, each actor's events, the namespace-wide event id index and
 * the durable subscriptions' positions. Several {@link InMemoryEventStore} instances may share one
 * log, as several clients share one stream.
 *
 * <p>Thread-safe. Reads and writes of events are guarded by a read-write lock; subscriptions wait
 * for appends on a separate condition so that waiting never holds up readers or writers.
 */
final class EventLog {

  private final Namespace namespace;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Index {@code p - 1} holds the event at position {@code p}. Guarded by {@link #lock}. */
  private final List<Event> events = new ArrayList<>();
  /** Each actor's events; index {@code v - 1} holds version {@code v}. Guarded by {@link #lock}. */
  private final Map<String, List<Event>> actors = new HashMap<>();
  /**
   * The events stored within the duplicate window, by id: ids are unique per namespace within
   * it. Guarded by {@link #lock}.
   */
  private final Map<String, Event> eventsById = new HashMap<>();
  /** When each id of {@link #eventsById} was stored ({@link System#nanoTime()}), oldest first. */
  private final java.util.ArrayDeque<IdEntry> idsByAge = new java.util.ArrayDeque<>();
  private final long duplicateWindowNanos;
  /** Written under the write lock, read without it. */
  private volatile long lastPosition;

  private final ReentrantLock signalLock = new ReentrantLock();
  private final Condition appended = signalLock.newCondition();

  private final Object durableLock = new Object();
  /** The last position each durable subscription examined. Guarded by {@link #durableLock}. */
  private final Map<String, Long> durablePositions = new HashMap<>();
  /** The durable names with an open subscription. Guarded by {@link #durableLock}. */
  private final Set<String> openDurables = new HashSet<>();

  private record IdEntry(String id, long storedAt) {}

  EventLog(Namespace namespace, java.time.Duration duplicateWindow) {
    this.namespace = namespace;
    this.duplicateWindowNanos = duplicateWindow.toNanos();
  }

  java.time.Duration duplicateWindow() {
    return java.time.Duration.ofNanos(duplicateWindowNanos);
  }

  /**
   * Forgets the ids stored longer ago than the duplicate window, as JetStream forgets message
   * ids: from then on they are not recognised as retries. Called under the write lock.
   */
  private void forgetExpiredIds() {
    long now = System.nanoTime();
    while (!idsByAge.isEmpty() && now - idsByAge.peekFirst().storedAt() >= duplicateWindowNanos) {
      eventsById.remove(idsByAge.pollFirst().id());
    }
  }

  Namespace namespace() {
    return namespace;
  }

  long lastPosition() {
    return lastPosition;
  }

  /**
   * Appends validated events: a retry of a stored append returns its original result; otherwise
   * the ids must be new to the namespace and the expected version must match.
   */
  AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> batch) {
    AppendResult result;
    lock.writeLock().lock();
    try {
      forgetExpiredIds();
      AppendResult original = originalOfRetry(actorId, batch);
      if (original != null) {
        return original;
      }
      for (NewEvent event : batch) {
        Event stored = eventsById.get(event.id());
        if (stored != null) {
          throw idInUse(event.id(), stored);
        }
      }
      List<Event> stream = actors.get(actorId);
      long actual = stream == null ? 0 : stream.size();
      if (!expected.matches(actual)) {
        AppendResult stored = storedAfterExpectedVersion(actorId, expected, stream, batch);
        if (stored != null) {
          return stored;
        }
        throw new VersionConflictException(actorId, expected, actual);
      }
      if (stream == null) {
        stream = new ArrayList<>();
        actors.put(actorId, stream);
      }
      long version = actual;
      long position = events.size();
      long now = System.nanoTime();
      for (NewEvent event : batch) {
        Event stored = Event.stored(actorId, ++version, ++position, event);
        events.add(stored);
        stream.add(stored);
        eventsById.put(stored.id(), stored);
        idsByAge.addLast(new IdEntry(stored.id(), now));
      }
      result = new AppendResult(actorId, actual + 1, version, lastPosition + 1, position);
      lastPosition = position;
    } finally {
      lock.writeLock().unlock();
    }
    wakeWaiters();
    return result;
  }

  /**
   * Returns the original result if the batch repeats a stored append, or null if its first id is
   * new. Like JetStream's message-id deduplication, a retry is recognised by ids alone.
   */
  private @Nullable AppendResult originalOfRetry(String actorId, List<NewEvent> batch) {
    Event first = eventsById.get(batch.get(0).id());
    if (first == null) {
      return null;
    }
    if (!first.actorId().equals(actorId)) {
      throw idInUse(first.id(), first);
    }
    List<Event> stream = Objects.requireNonNull(actors.get(actorId),
        "an actor with a stored event has a stream");
    int start = (int) first.version() - 1;
    for (int i = 1; i < batch.size(); i++) {
      String id = batch.get(i).id();
      if (start + i >= stream.size() || !stream.get(start + i).id().equals(id)) {
        throw new IllegalArgumentException("event id '" + first.id() + "' is already stored as"
            + " version " + first.version() + " of actor '" + actorId + "' in namespace '"
            + namespace + "', but event id '" + id + "' at index " + i + " of this append is not"
            + " the stored event that followed it; a retry must repeat the original append's"
            + " event ids in order, and new events need new ids");
      }
    }
    Event last = stream.get(start + batch.size() - 1);
    return new AppendResult(actorId, first.version(), last.version(), first.position(),
        last.position());
  }

  /**
   * Returns the original result if an append with an exact expected version that no longer
   * matches finds its own events right after that version, as the JetStream store does when it
   * reads back the event after the expected sequence: so such a retry is recognised also after
   * the duplicate window. Null otherwise.
   */
  private static @Nullable AppendResult storedAfterExpectedVersion(String actorId,
      ExpectedVersion expected, @Nullable List<Event> stream, List<NewEvent> batch) {
    long start;
    if (expected instanceof ExpectedVersion.Exactly exactly) {
      start = exactly.version();
    } else if (expected instanceof ExpectedVersion.NoStream) {
      start = 0;
    } else {
      return null;
    }
    if (stream == null) {
      return null;
    }
    if (start < 0 || start + batch.size() > stream.size()) {
      return null;
    }
    for (int i = 0; i < batch.size(); i++) {
      if (!stream.get((int) start + i).id().equals(batch.get(i).id())) {
        return null;
      }
    }
    Event first = stream.get((int) start);
    Event last = stream.get((int) start + batch.size() - 1);
    return new AppendResult(actorId, first.version(), last.version(), first.position(),
        last.position());
  }

  private IllegalArgumentException idInUse(String id, Event stored) {
    return new IllegalArgumentException("event id '" + id + "' is already used in namespace '"
        + namespace + "' by version " + stored.version() + " of actor '" + stored.actorId()
        + "' (position " + stored.position() + "); event ids must be unique per namespace");
  }

  long latestVersion(String actorId) {
    lock.readLock().lock();
    try {
      List<Event> stream = actors.get(actorId);
      return stream == null ? 0 : stream.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Returns up to {@code limit} of an actor's events from a version on. */
  List<Event> read(String actorId, long fromVersion, int limit) {
    lock.readLock().lock();
    try {
      List<Event> stream = actors.get(actorId);
      if (stream == null || fromVersion > stream.size()) {
        return List.of();
      }
      int from = (int) fromVersion - 1;
      int to = (int) Math.min(stream.size(), (long) from + limit);
      return List.copyOf(stream.subList(from, to));
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Returns up to {@code limit} events from a position on, in global order. */
  List<Event> readAll(long fromPosition, int limit) {
    lock.readLock().lock();
    try {
      if (fromPosition > events.size()) {
        return List.of();
      }
      int from = (int) fromPosition - 1;
      int to = (int) Math.min(events.size(), (long) from + limit);
      return List.copyOf(events.subList(from, to));
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Blocks until an event after {@code position} is stored or {@code stop} says to stop. Whoever
   * makes {@code stop} true must then call {@link #wakeWaiters()}.
   */
  void awaitAppendAfter(long position, BooleanSupplier stop) throws InterruptedException {
    signalLock.lock();
    try {
      // Checked under signalLock, which appenders and wakeWaiters() take to signal: no lost wake-up.
      while (lastPosition <= position && !stop.getAsBoolean()) {
        appended.await();
      }
    } finally {
      signalLock.unlock();
    }
  }

  void wakeWaiters() {
    signalLock.lock();
    try {
      appended.signalAll();
    } finally {
      signalLock.unlock();
    }
  }

  /**
   * Marks a durable subscription open and returns the position it starts at: after the last
   * position it examined, or {@code firstStart} when the name is new.
   *
   * @throws IllegalStateException if a subscription with this name is open
   */
  long openDurable(String name, long firstStart) {
    synchronized (durableLock) {
      if (openDurables.contains(name)) {
        throw new IllegalStateException("durable subscription '" + name + "' of namespace '"
            + namespace + "' is already open; close it before opening it again");
      }
      openDurables.add(name);
      Long examined = durablePositions.get(name);
      if (examined == null) {
        durablePositions.put(name, firstStart - 1);
        return firstStart;
      }
      return examined + 1;
    }
  }

  /** Records that a durable subscription is done with every position up to {@code position}. */
  void advanceDurable(String name, long position) {
    synchronized (durableLock) {
      durablePositions.merge(name, position, Math::max);
    }
  }

  void releaseDurable(String name) {
    synchronized (durableLock) {
      openDurables.remove(name);
    }
  }
}
