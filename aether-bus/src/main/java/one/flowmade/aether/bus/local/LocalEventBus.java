package one.flowmade.aether.bus.local;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.bus.BusClosedException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusHandler;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusMetrics;
import one.flowmade.aether.bus.BusOverflowException;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.DropReason;
import one.flowmade.aether.bus.EventBus;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import one.flowmade.aether.bus.OverflowPolicy;
import one.flowmade.aether.bus.PublishInterruptedException;
import one.flowmade.aether.bus.internal.BusSettings;
import one.flowmade.aether.bus.internal.MeterBinding;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventBus} within one process: publishers hand events straight to the bounded queues
 * of the matching subscriptions, and each subscription's own thread calls its handler.
 *
 * <pre>{@code
 * try (LocalEventBus bus = LocalEventBus.builder().queueCapacity(4096).build()) {
 *   BusSubscription subscription = bus.subscribe(Namespace.of("orders"), event -> ...);
 *   bus.publish(BusEvent.of(Namespace.of("orders"), "order-1", "OrderPlaced", payload));
 * }
 * }</pre>
 *
 * <h2>Delivery</h2>
 *
 * <ul>
 *   <li>Each subscription has a bounded queue ({@link Builder#queueCapacity(int)}, or per
 *       subscription) and an {@link OverflowPolicy} for when it is full: {@link
 *       OverflowPolicy#BLOCK} (the default) makes the publisher wait, so nothing is lost; the
 *       drop policies and {@link OverflowPolicy#FAIL} count and report every event they keep from
 *       the subscription ({@link one.flowmade.aether.bus.BusListener#dropped}).
 *   <li>Each subscription has one named daemon thread ({@code aether-bus-<name>-<id>}) that calls
 *       its handler one event at a time, in the order the events entered its queue: the
 *       publishing order of each publishing thread. A handler that throws is counted, logged at
 *       WARN and reported; delivery goes on.
 *   <li>The event object published is the object delivered, to every subscription: no copy, no
 *       serialisation. {@link BusEvent} is immutable.
 *   <li>{@link OverflowPolicy#BLOCK} and handlers that publish: a handler that publishes into its
 *       own subscription's full queue cannot wait for itself, so that publish fails with {@link
 *       BusOverflowException} (a {@link DropReason#REJECTED} drop); handlers of different
 *       subscriptions that publish to each other in a cycle can still deadlock when their queues
 *       are full, so give them a drop policy or room enough.
 * </ul>
 *
 * <h2>Closing</h2>
 *
 * <p>{@link BusSubscription#close()} discards the subscription's queued events (counted and
 * reported as {@link DropReason#CLOSED}). {@link #close()} refuses new publishes at once, lets
 * every subscription deliver what is already queued for up to {@link Builder#closeTimeout}, then
 * discards the rest (counted and reported) and stops the threads. Both are idempotent.
 *
 * <p>Thread-safe. {@link #publish} never allocates beyond the event for a subscription that
 * accepts it. Namespaces are remembered (with their counters) from their first publish or
 * subscription for the lifetime of the bus.
 */
public final class LocalEventBus implements EventBus {

  private static final Logger LOG = LoggerFactory.getLogger(LocalEventBus.class);

  private final String name;
  private final int defaultCapacity;
  private final OverflowPolicy defaultPolicy;
  private final BusListener listener;
  private final Duration closeTimeout;

  private final ConcurrentHashMap<Namespace, Topic> topics = new ConcurrentHashMap<>();
  /** Subscriptions to all namespaces; replaced, never mutated, under {@link #registration}. */
  private volatile LocalSubscription[] wildcard = Topic.none();
  private final Set<LocalSubscription> live = ConcurrentHashMap.newKeySet();
  private final Object registration = new Object();
  private final AtomicLong nextId = new AtomicLong(1);
  private volatile boolean closed;
  private final MeterBinding meters;
  private final Tracing tracing;
  /** Null: one platform daemon thread per subscription. */
  private final @Nullable ThreadFactory threadFactory;

  private LocalEventBus(Builder builder) {
    this.name = builder.name == null ? "local" : builder.name;
    Map<String, String> meterTags = Map.of("bus", "local", "name", name);
    this.defaultCapacity = builder.queueCapacity == 0 ? Builder.DEFAULT_CAPACITY
        : builder.queueCapacity;
    this.defaultPolicy = builder.overflowPolicy == null ? OverflowPolicy.BLOCK
        : builder.overflowPolicy;
    this.listener = builder.settings.effectiveListener(meterTags);
    this.closeTimeout = builder.settings.closeTimeout();
    this.tracing = builder.settings.tracing();
    this.threadFactory = builder.threadFactory;
    this.meters = builder.settings.bindMeters(meterTags, this);
  }

  /**
   * Returns a builder with the defaults: queue capacity {@value Builder#DEFAULT_CAPACITY}, {@link
   * OverflowPolicy#BLOCK}, no listener, a close timeout of 5 s.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a bus with the defaults of {@link #builder()}.
   *
   * @return a new bus
   */
  public static LocalEventBus create() {
    return builder().build();
  }

  /**
   * Returns the name used in this bus's thread names.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Publishes an event to the matching subscriptions of its namespace and to the subscriptions to
   * all namespaces whose filter matches.
   *
   * <p>Blocks while a matching subscription with {@link OverflowPolicy#BLOCK} has a full queue.
   * With several matching subscriptions the event is offered to each in turn, so a failure on one
   * (full queue under {@link OverflowPolicy#FAIL}, interruption) does not take it back from those
   * it already reached.
   *
   * @throws BusClosedException if the bus is closed
   * @throws BusOverflowException if a subscription with {@link OverflowPolicy#FAIL} was full, or
   *     a handler published into its own full queue
   * @throws PublishInterruptedException if interrupted while waiting for room; the remaining
   *     subscriptions did not receive the event and count it as dropped
   */
  @Override
  public void publish(BusEvent event) {
    Objects.requireNonNull(event, "event");
    if (closed) {
      throw closedException();
    }
    Metadata traced = tracing.injectCurrent(event.metadata());
    if (traced != event.metadata()) {
      event = event.withMetadata(traced);
    }
    Topic topic = topic(event.namespace());
    topic.published.increment();
    int accepted = 0;
    int rejected = 0;
    boolean gone = false;
    boolean interrupted = false;
    LocalSubscription[] own = topic.subscriptions;
    LocalSubscription[] all = wildcard;
    int total = own.length + all.length;
    for (int i = 0; i < total; i++) {
      LocalSubscription subscription = i < own.length ? own[i] : all[i - own.length];
      if (!subscription.accepts(event)) {
        continue;
      }
      if (interrupted) {
        subscription.dropUnqueued(event, topic, DropReason.INTERRUPTED);
        continue;
      }
      switch (subscription.enqueue(event, topic)) {
        case LocalSubscription.ACCEPTED -> accepted++;
        case LocalSubscription.REJECTED, LocalSubscription.SELF_BLOCKED -> rejected++;
        case LocalSubscription.GONE -> gone = true;
        case LocalSubscription.INTERRUPTED -> {
          subscription.dropUnqueued(event, topic, DropReason.INTERRUPTED);
          interrupted = true;
        }
        default -> { }
      }
    }
    if (accepted > 0) {
      topic.enqueued.add(accepted);
    }
    if (interrupted) {
      throw new PublishInterruptedException("interrupted while publishing event " + event.id()
          + " to namespace '" + event.namespace() + "'; subscriptions not reached yet count it"
          + " as dropped", new InterruptedException());
    }
    if (rejected > 0) {
      throw new BusOverflowException("event " + event.id() + " of namespace '"
          + event.namespace() + "' was rejected by " + rejected + " subscription(s) whose queue"
          + " was full (overflow policy FAIL, or a handler publishing into its own full queue);"
          + " the other matching subscriptions received it", rejected);
    }
    if (gone && closed) {
      throw closedException();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>The subscription gets the bus's default queue capacity and overflow policy and its own
   * delivery thread. Never throws {@link one.flowmade.aether.bus.BusUnavailableException}: a local
   * subscription is registered at once.
   *
   * @throws BusClosedException if the bus is closed
   * @throws IllegalStateException if the bus's {@link Builder#threadFactory thread factory}
   *     returned no thread: fix the factory
   */
  @Override
  public BusSubscription subscribe(NamespacePattern namespaces, EventFilter filter,
      BusHandler handler) {
    return subscribe(namespaces, filter, handler, defaultPolicy, defaultCapacity);
  }

  /**
   * Subscribes with a queue of its own size and overflow policy.
   *
   * @param namespaces one namespace or all of them
   * @param filter which events to receive
   * @param handler receives them, one at a time, on the subscription's thread
   * @param overflowPolicy what to do when the queue is full
   * @param queueCapacity how many events the queue holds, at least 1
   * @return the open subscription
   * @throws BusClosedException if the bus is closed
   * @throws IllegalArgumentException if the capacity is below 1 or above 2^30: fix the call
   * @throws IllegalStateException if the bus's {@link Builder#threadFactory thread factory}
   *     returned no thread: fix the factory
   */
  public BusSubscription subscribe(NamespacePattern namespaces, EventFilter filter,
      BusHandler handler, OverflowPolicy overflowPolicy, int queueCapacity) {
    Objects.requireNonNull(namespaces, "namespaces");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(handler, "handler");
    Objects.requireNonNull(overflowPolicy, "overflowPolicy");
    Builder.checkCapacity(queueCapacity);
    synchronized (registration) {
      if (closed) {
        throw closedException();
      }
      Topic fixed = namespaces instanceof NamespacePattern.Exactly exactly
          ? topic(exactly.namespace()) : null;
      LocalSubscription subscription = new LocalSubscription(this, nextId.getAndIncrement(),
          namespaces, filter, handler, overflowPolicy, queueCapacity, listener, fixed);
      live.add(subscription);
      subscription.start();
      if (fixed != null) {
        fixed.subscriptions = Topic.with(fixed.subscriptions, subscription);
      } else {
        wildcard = Topic.with(wildcard, subscription);
      }
      LOG.debug("{} opened", subscription);
      return subscription;
    }
  }

  @Override
  public BusMetrics metrics(Namespace namespace) {
    Objects.requireNonNull(namespace, "namespace");
    Topic topic = topics.get(namespace);
    int wildcards = wildcard.length;
    return topic == null ? new BusMetrics(0, 0, 0, 0, wildcards, 0) : topic.metrics(wildcards);
  }

  @Override
  public BusMetrics metrics() {
    long published = 0;
    long delivered = 0;
    long dropped = 0;
    long errors = 0;
    long depth = 0;
    int subscriptions = wildcard.length;
    for (Topic topic : topics.values()) {
      BusMetrics m = topic.metrics(0);
      published += m.published();
      delivered += m.delivered();
      dropped += m.dropped();
      errors += m.handlerErrors();
      depth += m.queueDepth();
      subscriptions += m.activeSubscriptions();
    }
    return new BusMetrics(published, delivered, dropped, errors, subscriptions, depth);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * Refuses new publishes and subscriptions, lets every subscription deliver the events already
   * queued for up to the close timeout, then discards what is left (counted and reported as
   * {@link DropReason#CLOSED}) and stops the delivery threads. Blocked publishers are released
   * with {@link BusClosedException}. Idempotent; called from a handler, it does not wait for that
   * handler's own subscription.
   */
  @Override
  public void close() {
    List<LocalSubscription> closing;
    synchronized (registration) {
      if (closed) {
        return;
      }
      closed = true;
      meters.unbind();
      closing = new ArrayList<>(live);
      for (Topic topic : topics.values()) {
        topic.subscriptions = Topic.none();
      }
      wildcard = Topic.none();
    }
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    closing.forEach(LocalSubscription::drain);
    for (LocalSubscription subscription : closing) {
      if (!subscription.awaitTermination(deadline)) {
        subscription.discardQueued();
      }
    }
    long grace = System.nanoTime() + closeTimeout.toNanos();
    for (LocalSubscription subscription : closing) {
      if (!subscription.awaitTermination(grace)
          && Thread.currentThread() != subscription.thread()) {
        LOG.warn("{} is still inside its handler after the bus closed; no further call will"
            + " start", subscription);
      }
    }
    LOG.debug("local bus '{}' closed", name);
  }

  // ---------------------------------------------------------------- for subscriptions

  Topic topic(Namespace namespace) {
    Topic topic = topics.get(namespace);
    return topic != null ? topic : topics.computeIfAbsent(namespace, Topic::new);
  }

  Duration closeTimeout() {
    return closeTimeout;
  }

  void unregister(LocalSubscription subscription) {
    synchronized (registration) {
      if (subscription.namespaces() instanceof NamespacePattern.Exactly exactly) {
        Topic topic = topic(exactly.namespace());
        topic.subscriptions = Topic.without(topic.subscriptions, subscription);
      } else {
        wildcard = Topic.without(wildcard, subscription);
      }
    }
  }

  void terminated(LocalSubscription subscription) {
    live.remove(subscription);
    LOG.debug("{} stopped", subscription);
  }

  private BusClosedException closedException() {
    return new BusClosedException("local bus '" + name + "' is closed", null);
  }

  @Override
  public String toString() {
    return "LocalEventBus[" + name + "]";
  }

  /** The tracing of this bus's subscriptions; for them. */
  /**
   * A subscription's delivery thread from the bus's factory, named {@code name}.
   *
   * @throws IllegalStateException if the factory returned no thread
   */
  Thread newThread(Runnable runnable, String name) {
    Thread thread;
    if (threadFactory == null) {
      thread = new Thread(runnable);
      thread.setDaemon(true);
    } else {
      thread = threadFactory.newThread(runnable);
      if (thread == null) {
        throw new IllegalStateException("the bus's thread factory " + threadFactory
            + " returned no thread for " + name);
      }
    }
    thread.setName(name);
    return thread;
  }

  Tracing tracing() {
    return tracing;
  }

  /**
   * Builds a {@link LocalEventBus}. Each setter checks its input at once and may be called only
   * once. Not thread-safe.
   */
  public static final class Builder {

    /** The default capacity of a subscription's queue. */
    public static final int DEFAULT_CAPACITY = 4096;

    private @Nullable String name;
    private int queueCapacity;
    private @Nullable OverflowPolicy overflowPolicy;
    private final BusSettings settings = new BusSettings();
    private @Nullable ThreadFactory threadFactory;

    /**
     * Sets where the subscriptions' delivery threads come from (default: one platform daemon
     * thread per subscription). The bus names each thread it gets {@code
     * aether-bus-<bus name>-<subscription id>} and otherwise keeps what the factory made, so a
     * factory of virtual threads ({@code Thread.ofVirtual().factory()} on Java 21 and newer) makes
     * them virtual. A delivery thread blocks while its queue is empty and runs the handler.
     *
     * @param threadFactory the factory; it must return an unstarted thread for every call
     * @return this builder
     * @throws NullPointerException if {@code threadFactory} is null
     * @throws IllegalStateException if already set
     */
    public Builder threadFactory(ThreadFactory threadFactory) {
      Objects.requireNonNull(threadFactory, "threadFactory");
      if (this.threadFactory != null) {
        throw new IllegalStateException("threadFactory was already set");
      }
      this.threadFactory = threadFactory;
      return this;
    }

    private Builder() {}

    /**
     * Records the bus's meters in a Micrometer registry (default: none): events published,
     * delivered and dropped (by reason), handler errors, open subscriptions and queue depth,
     * tagged {@code bus=local} and {@code name} (the bus's name). The counts are read from {@link EventBus#metrics()} when the
     * registry is scraped, so publishing costs nothing more. Micrometer is an optional
     * dependency: add {@code micrometer-core} to use this.
     *
     * @param registry the registry
     * @return this builder
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      settings.meterRegistry(registry);
      return this;
    }

    /**
     * Traces the bus with OpenTelemetry (default: nothing traced, and no OpenTelemetry class
     * loaded): {@code publish} writes the current span's trace context into an event without a
     * {@code traceparent} (the CloudEvents distributed-tracing extension), and every handler call
     * runs in a span {@code aether.handle} whose parent is the event's {@code traceparent} —
     * also for events appended to a JetStream store and received here without a second publish.
     * The OpenTelemetry API is an optional dependency: add {@code opentelemetry-api} to use this.
     *
     * @param openTelemetry the OpenTelemetry to record spans with
     * @return this builder
     * @throws NullPointerException if {@code openTelemetry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      settings.openTelemetry(openTelemetry);
      return this;
    }


    /**
     * Sets the name used in thread names ({@code aether-bus-<name>-<id>}); default {@code
     * local}.
     *
     * @param name 1 to 32 letters, digits, {@code '-'} or {@code '_'}
     * @return this builder
     * @throws IllegalArgumentException if the name is not valid
     * @throws IllegalStateException if already set
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[A-Za-z0-9_-]{1,32}")) {
        throw new IllegalArgumentException("bus name '" + name
            + "' must be 1 to 32 letters, digits, '-' or '_'");
      }
      if (this.name != null) {
        throw new IllegalStateException("name was already set to '" + this.name + "'");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets the default capacity of each subscription's queue; default {@value
     * #DEFAULT_CAPACITY}.
     *
     * @param queueCapacity the number of events, 1 to 2^30
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder queueCapacity(int queueCapacity) {
      checkCapacity(queueCapacity);
      if (this.queueCapacity != 0) {
        throw new IllegalStateException("queueCapacity was already set to " + this.queueCapacity);
      }
      this.queueCapacity = queueCapacity;
      return this;
    }

    /**
     * Sets the default overflow policy of each subscription; default {@link
     * OverflowPolicy#BLOCK}.
     *
     * @param overflowPolicy the policy
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder overflowPolicy(OverflowPolicy overflowPolicy) {
      Objects.requireNonNull(overflowPolicy, "overflowPolicy");
      if (this.overflowPolicy != null) {
        throw new IllegalStateException(
            "overflowPolicy was already set to " + this.overflowPolicy);
      }
      this.overflowPolicy = overflowPolicy;
      return this;
    }

    /**
     * Sets the listener told about drops and handler failures.
     *
     * @param listener the listener; it must be thread-safe and quick
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder listener(BusListener listener) {
      settings.listener(listener);
      return this;
    }

    /**
     * Sets how long {@link LocalEventBus#close()} lets subscriptions deliver their queued events,
     * and how long closing waits for a handler call in progress; default 5 s.
     *
     * @param closeTimeout zero or more; zero discards queued events at once
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder closeTimeout(Duration closeTimeout) {
      settings.closeTimeout(closeTimeout);
      return this;
    }

    /**
     * Builds the bus. It starts no thread until the first subscription.
     *
     * @return a new bus
     */
    public LocalEventBus build() {
      return new LocalEventBus(this);
    }

    static void checkCapacity(int capacity) {
      if (capacity < 1 || capacity > 1 << 30) {
        throw new IllegalArgumentException("queue capacity must be 1 to 2^30 events, was "
            + capacity);
      }
    }
  }
}
