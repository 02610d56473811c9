package one.flowmade.aether.projection;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import org.jspecify.annotations.Nullable;

/**
 * A running projection's progress: state, committed position, counters, lag and last error.
 * Written by the projection's thread (and its lifecycle), read by any thread.
 */
final class ProjectionProgress {
  private final AtomicLong position = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong parked = new AtomicLong();
  /** The namespace's last position as last learned (start, progress logs, status, events). */
  private final AtomicLong knownEnd = new AtomicLong();
  private volatile ProjectionState state = ProjectionState.NEW;
  private volatile @Nullable String lastError;
  private volatile Duration lagTime = Duration.ZERO;
  private final CatchUpMeter meter = new CatchUpMeter();

  /** Returns the meter of the applying rate, which also logs the catch-up's progress. */
  CatchUpMeter meter() {
    return meter;
  }

  ProjectionState state() {
    return state;
  }

  void state(ProjectionState state) {
    this.state = state;
  }

  long position() {
    return position.get();
  }

  void position(long position) {
    this.position.set(position);
  }

  void error(String message) {
    this.lastError = message;
  }

  void skippedOne() {
    skipped.incrementAndGet();
  }

  /** Records that an event was parked. */
  void parkedOne() {
    parked.incrementAndGet();
  }

  long applied() {
    return applied.get();
  }

  long skipped() {
    return skipped.get();
  }

  long parked() {
    return parked.get();
  }

  Duration lagTime() {
    return lagTime;
  }

  /** Learns the namespace's last position; returns it. */
  long learnEnd(long last) {
    knownEnd.accumulateAndGet(last, Math::max);
    return last;
  }

  /** Events after the position, by the last position last learned; never negative. */
  long knownLag() {
    return Math.max(0, knownEnd.get() - position.get());
  }

  void appliedOne() {
    applied.incrementAndGet();
  }

  void live() {
    state = ProjectionState.LIVE;
    lagTime = Duration.ZERO;
    meter.live(position.get());
  }

  /** Records that a committed unit of work applied these events. */
  void advance(List<Event> events) {
    Event last = events.get(events.size() - 1);
    position.set(last.position());
    learnEnd(last.position());
    applied.addAndGet(events.size());
    Duration lag = Duration.between(last.timestamp(), Instant.now());
    lagTime = lag.isNegative() ? Duration.ZERO : lag;
    meter.record(events.size(), last.position());
  }

  /** Returns the status; asks the store for its last position. */
  ProjectionStatus status(String key, EventStore store, boolean idle, int parked) {
    long pos = position.get();
    long lag;
    try {
      lag = Math.max(0, learnEnd(store.lastPosition()) - pos);
    } catch (RuntimeException e) {
      lag = -1;
    }
    ProjectionState now = state;
    Duration time = now == ProjectionState.LIVE && idle ? Duration.ZERO : lagTime;
    double rate = meter.eventsPerSecond();
    Optional<Duration> eta = now == ProjectionState.LIVE ? Optional.of(Duration.ZERO)
        : now == ProjectionState.CATCHING_UP && lag >= 0 ? CatchUpMeter.eta(lag, rate)
        : Optional.empty();
    return new ProjectionStatus(key, now, pos, lag, time, applied.get(), skipped.get(),
        parked, Optional.ofNullable(lastError), rate, eta);
  }
}
