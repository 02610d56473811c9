package one.flowmade.aether.projection;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.Position;
import one.flowmade.aether.SubscriptionOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of one {@link Projection} instance: start (claim, check, subscribe, start the thread),
 * failure, close and reset, and the state the run loop ({@link ProjectionWorker}) and the error
 * outcomes ({@link ErrorOutcomes}) share. Thread-safe.
 */
final class ProjectionRuntime {
  static final Logger LOG = LoggerFactory.getLogger(Projection.class);

  final ProjectionSettings settings;
  final String key;
  final EventStore store;
  final ProjectionProgress progress = new ProjectionProgress();
  final ErrorOutcomes outcomes;
  /** Held while a unit of work runs, so that a retry of parked events never interleaves. */
  final Object work = new Object();
  final BlockingQueue<Object> queue;

  private final Object lifecycle = new Object();
  private final CountDownLatch stopping = new CountDownLatch(1);
  private volatile long epoch;
  private volatile @Nullable EventSubscription subscription;
  private @Nullable Thread worker;
  /** The meters, registered at start and removed by close; null without a registry. */
  private @Nullable AutoCloseable meters;

  ProjectionRuntime(ProjectionSettings settings) {
    this.settings = settings;
    this.key = settings.key();
    this.store = settings.store();
    this.outcomes = new ErrorOutcomes(this);
    this.queue = new ArrayBlockingQueue<>(Math.max(2 * settings.batchSize(), 256));
  }

  long epoch() {
    return epoch;
  }

  @Nullable EventSubscription subscription() {
    return subscription;
  }

  /** Starts; claims with {@code ownerEpoch}, or by increasing the stored epoch when it is 0. */
  void start(long ownerEpoch) {
    synchronized (lifecycle) {
      if (progress.state() != ProjectionState.NEW) {
        throw new IllegalStateException("projection " + key + " was already started ("
            + progress.state() + "); build a new one to run it again");
      }
      Checkpoint checkpoint;
      try {
        checkpoint = ownerEpoch == 0 ? settings.checkpoints().claim(key)
            : settings.checkpoints().claim(key, ownerEpoch);
      } catch (CheckpointFencedException fenced) {
        progress.error(describe(fenced));
        progress.state(ProjectionState.FAILED);
        LOG.warn("projection {} not started: {}", key, fenced.getMessage());
        throw fenced;
      }
      long last = store.lastPosition();
      if (checkpoint.position() > last) {
        String message = "checkpoint of projection " + key + " is at position "
            + checkpoint.position() + " but namespace " + store.namespace().name()
            + " ends at position " + last + " (was the stream recreated?); nothing was applied."
            + " Reset the projection to rebuild its read model";
        progress.error(message);
        progress.state(ProjectionState.FAILED);
        LOG.error(message);
        throw new IllegalStateException(message);
      }
      epoch = checkpoint.epoch();
      progress.position(checkpoint.position());
      ProjectionWorker run = new ProjectionWorker(this);
      Thread w;
      try {
        w = settings.newThread(run, "aether-projection-" + key);
      } catch (RuntimeException noThread) {
        progress.error(describe(noThread));
        progress.state(ProjectionState.FAILED);
        LOG.error("projection {} not started: {}", key, describe(noThread));
        throw noThread;
      }
      try {
        subscription = store.subscribe(optionsAfter(checkpoint.position()), run.feed());
      } catch (AetherTransientException unavailable) {
        // as when the claim or the last position cannot be had: nothing runs, start may be retried
        queue.clear();
        progress.error("could not subscribe to namespace " + store.namespace().name() + ": "
            + describe(unavailable) + "; not started, start again");
        LOG.warn("projection {} not started: could not subscribe: {}", key,
            describe(unavailable));
        throw unavailable;
      } catch (RuntimeException refused) {
        queue.clear();
        progress.error("the subscription to namespace " + store.namespace().name()
            + " was refused: " + describe(refused));
        progress.state(ProjectionState.FAILED);
        LOG.error("projection {} not started: the subscription was refused: {}", key,
            describe(refused));
        throw refused;
      }
      // only now: the state says CATCHING_UP only while a worker applies what the subscription
      // delivers (the worker sets LIVE, so it starts after this)
      progress.state(ProjectionState.CATCHING_UP);
      progress.learnEnd(last);
      progress.meter().begin(key, () -> progress.learnEnd(store.lastPosition()),
          checkpoint.position(), last);
      MeterRegistry registry = settings.meterRegistry();
      if (registry != null) {
        meters = ProjectionMeters.register(registry, this);
      }
      worker = w;
      w.start();
      LOG.info("projection {} started at position {} (epoch {}, {} events behind)", key,
          checkpoint.position(), epoch, last - checkpoint.position());
    }
  }

  private SubscriptionOptions optionsAfter(long position) {
    SubscriptionOptions.Builder options =
        SubscriptionOptions.builder().from(Position.after(position));
    settings.handlers().serverFilter().ifPresent(options::eventTypes);
    return options.build();
  }

  /**
   * Replaces a subscription that stopped on a transient failure (the store gave up reaching the
   * server) with a new one after the last applied position. Returns false if the projection is
   * closing.
   *
   * @throws one.flowmade.aether.AetherTransientException if the store still cannot subscribe
   */
  boolean resubscribe(EventHandler feed) {
    synchronized (lifecycle) {
      if (closing()) {
        return false;
      }
      EventSubscription old = subscription;
      if (old != null) {
        old.close();
      }
      subscription = store.subscribe(optionsAfter(progress.position()), feed);
      return true;
    }
  }

  ProjectionStatus status() {
    ProjectionStatus now = progress.status(key, store, queue.isEmpty(), outcomes.parkedCount());
    if (now.state() != ProjectionState.NEW) {
      return now;
    }
    // not started here: show where a start would resume (the owner may run elsewhere)
    Checkpoint stored;
    try {
      stored = settings.checkpoints().load(key).orElse(null);
    } catch (RuntimeException e) {
      LOG.debug("projection {}: checkpoint not read for status: {}", key, describe(e));
      return now;
    }
    if (stored == null) {
      return now;
    }
    long lag = now.lagEvents() < 0 ? -1
        : Math.max(0, now.lagEvents() + now.position() - stored.position());
    return new ProjectionStatus(now.name(), now.state(), stored.position(), lag, now.lagTime(),
        now.applied(), now.skipped(), now.parked(), now.lastError(), now.eventsPerSecond(),
        now.eta());
  }

  void resetCheckpoint(long checkpoint) {
    synchronized (lifecycle) {
      ProjectionState state = progress.state();
      if (state == ProjectionState.CATCHING_UP || state == ProjectionState.LIVE) {
        throw new IllegalStateException("projection " + key + " is running (" + state
            + "); close it before resetting");
      }
      settings.checkpoints().reset(key, checkpoint);
      progress.position(checkpoint);
      LOG.warn("projection {} reset: the next start applies events after position {}", key,
          checkpoint);
    }
  }

  /** Returns the last position before the first event at or after {@code time}. */
  long lastBefore(Instant time) {
    return TimeSearch.lastBefore(store, time);
  }

  void close() {
    Thread w;
    synchronized (lifecycle) {
      if (progress.state() == ProjectionState.NEW) {
        progress.state(ProjectionState.STOPPED);
        return;
      }
      stopping.countDown();
      if (subscription != null) {
        subscription.close();
      }
      w = worker;
    }
    if (w != null && w != Thread.currentThread()) {
      try {
        w.join(10_000);
        if (w.isAlive()) {
          w.interrupt();
          w.join(5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (progress.state() != ProjectionState.FAILED) {
      progress.state(ProjectionState.STOPPED);
    }
    AutoCloseable m;
    synchronized (lifecycle) {
      m = meters;
      meters = null;
    }
    if (m != null) {
      try {
        m.close();
      } catch (Exception e) {
        LOG.warn("projection {}: its meters were not all removed: {}", key, describe(e));
      }
    }
    LOG.info("projection {} closed at position {}", key, progress.position());
  }

  /** Commits a unit of work if the owner check still passes. */
  void commit(CheckpointStore.Transaction tx, long position) {
    if (!settings.ownership().getAsBoolean()) {
      throw new CheckpointFencedException(key, epoch, "its owner check says this instance no"
          + " longer owns it; the unit of work up to position " + position + " was not committed");
    }
    tx.commit(position);
  }

  /** Whether a worker applies events now (catching up or live). */
  boolean running() {
    ProjectionState state = progress.state();
    return state == ProjectionState.CATCHING_UP || state == ProjectionState.LIVE;
  }

  boolean closing() {
    return stopping.getCount() == 0;
  }

  /** Waits, returning false if the projection is closing. */
  boolean pause(Duration d) {
    try {
      return !stopping.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops the projection on its own: state {@link ProjectionState#FAILED}, the error kept. */
  void fail(String message, @Nullable Throwable cause) {
    progress.error(message);
    progress.state(ProjectionState.FAILED);
    LOG.error("projection {} stopped: {}", key, message, cause);
    stopping.countDown();
    EventSubscription s = subscription;
    if (s != null) {
      s.close();
    }
  }

  static String describe(Throwable t) {
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
