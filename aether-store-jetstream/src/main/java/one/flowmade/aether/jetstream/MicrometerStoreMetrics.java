package one.flowmade.aether.jetstream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Message;
import io.nats.client.impl.NatsJetStreamMetaData;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.VersionConflictException;
import org.jspecify.annotations.Nullable;

/**
 * {@link StoreMetrics} on a Micrometer {@link MeterRegistry}; the names and tags are the table in
 * {@code docs/operations.md}. Every meter of the hot path is registered once, up front. Only this
 * class touches Micrometer, and it is loaded only when a registry was given. Thread-safe.
 */
final class MicrometerStoreMetrics implements StoreMetrics {

  static final String APPENDS = "aether.store.appends";
  static final String APPEND_EVENTS = "aether.store.append.events";
  static final String APPEND_RETRIES = "aether.store.append.retries";
  static final String READS = "aether.store.reads";
  static final String EVENTS_READ = "aether.store.events.read";
  static final String SNAPSHOT_LOADS = "aether.snapshot.loads";
  static final String SNAPSHOT_SAVES = "aether.snapshot.saves";
  static final String SUBSCRIPTION_POSITION = "aether.subscription.position";
  static final String SUBSCRIPTION_LAG_EVENTS = "aether.subscription.lag.events";
  static final String SUBSCRIPTION_LAG_SECONDS = "aether.subscription.lag.seconds";
  static final String SUBSCRIPTION_EVENTS = "aether.subscription.events";

  private static final List<String> READ_OPERATIONS =
      List.of("actor", "all", "latest", "last-position");
  /** Numbers ephemeral subscriptions across stores, so two never share a gauge. */
  private static final AtomicInteger EPHEMERALS = new AtomicInteger();

  private final MeterRegistry registry;
  private final Tags tags;
  private final Timer appendSuccess;
  private final Timer appendConflict;
  private final Timer appendUnknown;
  private final Timer appendUnavailable;
  private final Timer appendFailure;
  private final DistributionSummary appendEvents;
  private final Counter appendRetries;
  private final Map<String, Timer> readSuccess;
  private final Map<String, Timer> readFailure;
  private final Map<String, Counter> eventsRead;
  private final Timer snapshotFound;
  private final Timer snapshotNone;
  private final Timer snapshotLoadFailure;
  private final Timer snapshotSaved;
  private final Timer snapshotNotSaved;
  private final Timer snapshotSaveFailure;

  private MicrometerStoreMetrics(MeterRegistry registry, Namespace namespace) {
    this.registry = registry;
    this.tags = Tags.of("namespace", namespace.name());
    this.appendSuccess = appendTimer("success");
    this.appendConflict = appendTimer("conflict");
    this.appendUnknown = appendTimer("unknown");
    this.appendUnavailable = appendTimer("unavailable");
    this.appendFailure = appendTimer("failure");
    this.appendEvents = DistributionSummary.builder(APPEND_EVENTS).tags(tags).baseUnit("events")
        .description("Events per append (the batch size)").register(registry);
    this.appendRetries = Counter.builder(APPEND_RETRIES).tags(tags)
        .description("Append attempts repeated after a transient failure, within the retry"
            + " budget").register(registry);
    this.readSuccess = readTimers("success");
    this.readFailure = readTimers("failure");
    this.eventsRead = Map.of("actor", eventsRead("actor"), "all", eventsRead("all"));
    this.snapshotFound = snapshotTimer(SNAPSHOT_LOADS, "found", "Snapshot loads");
    this.snapshotNone = snapshotTimer(SNAPSHOT_LOADS, "none", "Snapshot loads");
    this.snapshotLoadFailure = snapshotTimer(SNAPSHOT_LOADS, "failure", "Snapshot loads");
    this.snapshotSaved = snapshotTimer(SNAPSHOT_SAVES, "saved", "Snapshot saves");
    this.snapshotNotSaved = snapshotTimer(SNAPSHOT_SAVES, "not-saved", "Snapshot saves");
    this.snapshotSaveFailure = snapshotTimer(SNAPSHOT_SAVES, "failure", "Snapshot saves");
  }

  /**
   * Returns the metrics of one store.
   *
   * @param registry the registry, not null
   * @param namespace the store's namespace
   * @return the metrics
   */
  static StoreMetrics create(MeterRegistry registry, Namespace namespace) {
    return new MicrometerStoreMetrics(registry, namespace);
  }

  private Timer appendTimer(String outcome) {
    return Timer.builder(APPENDS).tags(tags).tag("outcome", outcome)
        .description("Appends, by outcome, and how long they took").register(registry);
  }

  private Map<String, Timer> readTimers(String outcome) {
    return Map.of("actor", readTimer("actor", outcome), "all", readTimer("all", outcome),
        "latest", readTimer("latest", outcome),
        "last-position", readTimer("last-position", outcome));
  }

  private Timer readTimer(String operation, String outcome) {
    return Timer.builder(READS).tags(tags).tag("operation", operation).tag("outcome", outcome)
        .description("Reads, by operation and outcome, and how long they took")
        .register(registry);
  }

  private Counter eventsRead(String operation) {
    return Counter.builder(EVENTS_READ).tags(tags).tag("operation", operation)
        .baseUnit("events").description("Events returned by reads").register(registry);
  }

  private Timer snapshotTimer(String name, String outcome, String description) {
    return Timer.builder(name).tags(tags).tag("outcome", outcome)
        .description(description + ", by outcome, and how long they took").register(registry);
  }

  @Override
  public long start() {
    return System.nanoTime();
  }

  @Override
  public void appended(long start, int events, @Nullable Throwable failure) {
    Timer timer;
    if (failure == null) {
      timer = appendSuccess;
      appendEvents.record(events);
    } else if (failure instanceof VersionConflictException) {
      timer = appendConflict;
    } else if (failure instanceof AppendOutcomeUnknownException) {
      timer = appendUnknown;
    } else if (failure instanceof StoreUnavailableException) {
      timer = appendUnavailable;
    } else {
      timer = appendFailure;
    }
    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  @Override
  public void appendRetried() {
    appendRetries.increment();
  }

  @Override
  public void read(String operation, long start, int events, @Nullable Throwable failure) {
    Timer timer = (failure == null ? readSuccess : readFailure).get(operation);
    if (timer == null) {
      throw new IllegalArgumentException("unknown read operation " + operation + ", known "
          + READ_OPERATIONS);
    }
    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    Counter counter = eventsRead.get(operation);
    if (events > 0 && counter != null) {
      counter.increment(events);
    }
  }

  @Override
  public void snapshotLoaded(long start, boolean found, @Nullable Throwable failure) {
    (failure != null ? snapshotLoadFailure : found ? snapshotFound : snapshotNone)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  @Override
  public void snapshotSaved(long start, boolean saved, @Nullable Throwable failure) {
    (failure != null ? snapshotSaveFailure : saved ? snapshotSaved : snapshotNotSaved)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  @Override
  public SubscriptionMeters subscription(@Nullable String name) {
    return new Subscription(name != null ? name : "ephemeral-" + EPHEMERALS.incrementAndGet());
  }

  /** Gauges read the fields the subscription thread writes. */
  private final class Subscription implements SubscriptionMeters {
    private final List<Meter> meters;
    private final Counter handled;
    private volatile long position;
    private volatile long pending;
    private volatile long storedAtMillis;
    private volatile boolean closed;

    Subscription(String name) {
      Tags subscriptionTags = tags.and("name", name);
      this.handled = Counter.builder(SUBSCRIPTION_EVENTS).tags(subscriptionTags)
          .baseUnit("events").description("Events the subscription's handler returned from")
          .register(registry);
      this.meters = List.of(handled,
          Gauge.builder(SUBSCRIPTION_POSITION, this, s -> s.position).tags(subscriptionTags)
              .description("Position of the last event the handler returned from")
              .register(registry),
          Gauge.builder(SUBSCRIPTION_LAG_EVENTS, this, s -> s.pending).tags(subscriptionTags)
              .baseUnit("events")
              .description("Events stored after the last handled one, as of its delivery")
              .register(registry),
          Gauge.builder(SUBSCRIPTION_LAG_SECONDS, this, Subscription::lagSeconds)
              .tags(subscriptionTags).baseUnit("seconds")
              .description("Age of the last handled event while events are pending; 0 when"
                  + " caught up").register(registry));
    }

    private double lagSeconds() {
      if (pending == 0 || storedAtMillis == 0) {
        return 0;
      }
      return Math.max(0, System.currentTimeMillis() - storedAtMillis) / 1000.0;
    }

    @Override
    public void handled(long position, Message message) {
      NatsJetStreamMetaData metaData = message.metaData();
      this.storedAtMillis = metaData.timestamp().toInstant().toEpochMilli();
      this.pending = metaData.pendingCount();
      this.position = position;
      handled.increment();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      for (Meter meter : meters) {
        registry.remove(meter);
      }
    }
  }
}
