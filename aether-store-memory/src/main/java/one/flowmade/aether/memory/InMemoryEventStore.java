package one.flowmade.aether.memory;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import org.jspecify.annotations.Nullable;

/**
 * An {@link EventStore} that holds one namespace's events in memory, with the semantics of the
 * JetStream store, for tests and for single-process applications that need no durability.
 *
 * <pre>{@code
 * try (EventStore store = InMemoryEventStore.create(Namespace.of("orders"))) {
 *   AppendResult result = store.append("order-1", ExpectedVersion.noStream(),
 *       NewEvent.of("OrderPlaced", Payload.json("{}")));
 * }
 * }</pre>
 *
 * <h2>State</h2>
 * Each store made by {@link #create(Namespace)} or {@link Builder#namespace(Namespace)} has state
 * of its own: two such stores never see each other's events, even with the same namespace. A store
 * built with {@link Builder#sharingStateWith(InMemoryEventStore)} shares the other store's state,
 * as two clients of one JetStream stream do: events, versions, event ids and the positions of
 * durable subscriptions. Closing a store closes its own subscriptions and keeps the state, so a
 * store that shares it sees the same events and resumes the same durable subscriptions. The state
 * lives as long as a store that holds it is reachable.
 *
 * <h2>Appends</h2>
 * An append stores all its events or none, and checks the expected version atomically with the
 * write. It is refused with an {@link IllegalArgumentException}, before anything else is checked,
 * if the actor id is invalid, if it carries no events or more than {@link
 * Limits#MAX_EVENTS_PER_APPEND}, or if an event id appears twice in it. Event ids are unique per
 * namespace within the store's <em>duplicate window</em> ({@link Builder#duplicateWindow}, 2
 * minutes by default, as a JetStream stream's), like the message ids JetStream deduplicates on.
 * Within the window an append's ids have these outcomes:
 * <ul>
 *   <li>If the first event id is already stored for the same actor and every id of the append
 *       matches, in order, the stored events that follow it, the append is a retry: nothing is
 *       stored and the original result for those events is returned, even if the expected version
 *       no longer matches. Ids alone decide; the rest of the events is not compared.
 *   <li>If any id is already stored otherwise (for another actor, or only some ids match), the
 *       append is refused with an {@link IllegalArgumentException} naming the id. This is checked
 *       before the expected version, because such an append can never succeed.
 *   <li>Otherwise the expected version decides: a mismatch is a {@link
 *       one.flowmade.aether.VersionConflictException}.
 * </ul>
 * An id stored longer ago than the window is forgotten, exactly as JetStream forgets message ids:
 * a retry after that is checked against the expected version only, so with {@link
 * one.flowmade.aether.ExpectedVersion#exactly(long)} it is refused (the version moved on) and
 * with {@link one.flowmade.aether.ExpectedVersion#any()} it is stored again. Retry only within the
 * window, or with an exact expected version (the actor abstraction does both).
 * {@link #appendAsync} completes before it returns; it throws only {@link
 * IllegalArgumentException} (and {@link NullPointerException}) for invalid input and reports every
 * other failure, including use after close, through the future.
 *
 * <h2>Reads</h2>
 * Events are returned exactly as appended (timestamps to the nanosecond), and {@link
 * ReadResult#undecodable()} is always empty: nothing undecodable can be stored in memory. {@link
 * ReadResult#next()} of {@link #read(String, long, int)} is the position after the last event
 * returned or, if none was, after the namespace's last position when the read started; that of
 * {@link #readAll(Position, int)} is the position after the last event returned or, if none was,
 * the start position ({@link Position#end()} resolved to the position after the last event).
 *
 * <h2>Subscriptions</h2>
 * Each subscription has its own daemon thread, named {@code aether-sub-<namespace>-<durable name
 * or number>}, which reads the namespace's log from its position on and then waits for appends,
 * so it goes from catch-up to live without a gap or a duplicate. {@link Position#end()} means the
 * events appended after {@link #subscribe} returns. A durable subscription remembers the last
 * position it examined (events its handler returned from, and events its type filter skipped);
 * the first time a name is used it starts at {@link SubscriptionOptions#from()}, later at the
 * position after the remembered one. A handler that throws stops its subscription, which resumes
 * at that same event when opened again. {@link EventSubscription#lastPosition()} is 0 until the
 * handler of that subscription has returned from an event. {@link EventSubscription#close()} waits up
 * to the {@linkplain Builder#closeTimeout(Duration) close timeout} (10 seconds unless set) for a
 * handler call in progress.
 *
 * <h2>Thread safety and blocking</h2>
 * Thread-safe. Appends and reads take a read-write lock briefly and never wait for anything else;
 * {@link #close()} and {@link EventSubscription#close()} wait for handler calls in progress, up to the
 * close timeout. Reads and {@link #latestVersion(String)} take constant time plus the time to
 * copy the events returned.
 */
public final class InMemoryEventStore implements EventStore {

  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
  /** The JetStream store's default duplicate window, so both stores recognise retries alike. */
  private static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);

  private final EventLog log;
  private final Duration closeTimeout;
  private final AtomicLong subscriptionNumbers = new AtomicLong();
  private final Object lifecycle = new Object();
  /** Guarded by {@link #lifecycle}. */
  private final Set<MemorySubscription> subscriptions = new HashSet<>();
  private volatile boolean closed;

  private InMemoryEventStore(EventLog log, Duration closeTimeout) {
    this.log = log;
    this.closeTimeout = closeTimeout;
  }

  /**
   * Returns a new, empty store of a namespace, with state of its own.
   *
   * @param namespace the namespace
   * @return the store
   * @throws NullPointerException if {@code namespace} is null
   */
  public static InMemoryEventStore create(Namespace namespace) {
    return builder().namespace(namespace).build();
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the namespace; works after {@link #close()} too.
   *
   * @return the namespace
   */
  @Override
  public Namespace namespace() {
    return log.namespace();
  }

  /**
   * Appends events atomically if the actor's version matches; see the class documentation for
   * retries and event ids. Does not block beyond taking the store's lock.
   *
   * @throws IllegalArgumentException if the actor id or the events are invalid, or an event id is
   *     already used otherwise than by a retry of the same append
   * @throws one.flowmade.aether.VersionConflictException if the version does not match
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
    List<NewEvent> batch = checkAppend(actorId, expected, events);
    ensureOpen();
    return log.append(actorId, expected, batch);
  }

  /**
   * Appends events as {@link #append(String, ExpectedVersion, List)} does and returns a future
   * that is already complete.
   *
   * @throws IllegalArgumentException if the actor id or the events are invalid
   */
  @Override
  public CompletableFuture<AppendResult> appendAsync(
      String actorId, ExpectedVersion expected, List<NewEvent> events) {
    List<NewEvent> batch = checkAppend(actorId, expected, events);
    try {
      ensureOpen();
      return CompletableFuture.completedFuture(log.append(actorId, expected, batch));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * Returns the actor's latest version in constant time, without blocking beyond the lock.
   *
   * @throws IllegalArgumentException if the actor id is invalid
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public long latestVersion(String actorId) {
    Limits.checkActorId(actorId);
    ensureOpen();
    return log.latestVersion(actorId);
  }

  /**
   * Reads an actor's events; see the class documentation for {@link ReadResult#next()}.
   *
   * @throws IllegalArgumentException if the actor id is invalid, {@code fromVersion} is below 1
   *     or {@code limit} is below 1
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public ReadResult read(String actorId, long fromVersion, int limit) {
    Limits.checkActorId(actorId);
    if (fromVersion < 1) {
      throw new IllegalArgumentException("fromVersion must be at least 1, was " + fromVersion);
    }
    checkLimit(limit);
    ensureOpen();
    long lastBefore = log.lastPosition();
    List<Event> events = log.read(actorId, fromVersion, limit);
    Position next = events.isEmpty()
        ? Position.after(lastBefore)
        : Position.after(events.get(events.size() - 1).position());
    return new ReadResult(events, List.of(), next);
  }

  /**
   * Reads the namespace's events in global order; see the class documentation for {@link
   * ReadResult#next()}.
   *
   * @throws IllegalArgumentException if {@code limit} is below 1
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public ReadResult readAll(Position from, int limit) {
    Objects.requireNonNull(from, "from");
    checkLimit(limit);
    ensureOpen();
    long start = from instanceof Position.At at ? at.position() : log.lastPosition() + 1;
    List<Event> events = log.readAll(start, limit);
    Position next = events.isEmpty()
        ? Position.at(start)
        : Position.after(events.get(events.size() - 1).position());
    return new ReadResult(events, List.of(), next);
  }

  /**
   * Returns the position of the namespace's last event, without locking.
   *
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public long lastPosition() {
    ensureOpen();
    return log.lastPosition();
  }

  /**
   * Opens a subscription on a thread of its own; see the class documentation. Returns at once.
   *
   * @throws IllegalStateException if the store is closed, or a durable subscription of that name
   *     is open on this store or on one that shares its state
   */
  @Override
  public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(handler, "handler");
    synchronized (lifecycle) {
      ensureOpen();
      long last = log.lastPosition();
      long firstStart = options.from() instanceof Position.At at ? at.position() : last + 1;
      long start = options.durableName().isPresent()
          ? log.openDurable(options.durableName().get(), firstStart)
          : firstStart;
      MemorySubscription subscription = new MemorySubscription(log, options, handler, start, last,
          subscriptionNumbers.incrementAndGet(), closeTimeout, this::stopped);
      subscriptions.add(subscription);
      subscription.start();
      return subscription;
    }
  }

  private void stopped(MemorySubscription subscription) {
    synchronized (lifecycle) {
      subscriptions.remove(subscription);
    }
  }

  /**
   * Closes the store and its subscriptions, waiting for each as {@link EventSubscription#close()}
   * does. Keeps the state for stores that share it. Idempotent.
   */
  @Override
  public void close() {
    List<MemorySubscription> open;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      open = List.copyOf(subscriptions);
    }
    open.forEach(MemorySubscription::close);
  }

  @Override
  public String toString() {
    return "InMemoryEventStore[" + log.namespace() + (closed ? ", closed]" : "]");
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(
          "in-memory event store of namespace '" + log.namespace() + "' is closed");
    }
  }

  private static void checkLimit(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be at least 1, was " + limit);
    }
  }

  private static List<NewEvent> checkAppend(
      String actorId, ExpectedVersion expected, List<NewEvent> events) {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(events, "events");
    if (events.isEmpty() || events.size() > Limits.MAX_EVENTS_PER_APPEND) {
      throw new IllegalArgumentException("an append carries 1 to " + Limits.MAX_EVENTS_PER_APPEND
          + " events; this one to actor '" + actorId + "' carries " + events.size());
    }
    List<NewEvent> batch = List.copyOf(events);
    Set<String> ids = new HashSet<>();
    for (NewEvent event : batch) {
      if (!ids.add(event.id())) {
        throw new IllegalArgumentException("event id '" + event.id() + "' appears more than once"
            + " in this append to actor '" + actorId + "'; event ids must be unique");
      }
    }
    return batch;
  }

  /**
   * Builds an {@link InMemoryEventStore}. Not thread-safe; each input is checked when it is set.
   */
  public static final class Builder {
    private @Nullable Namespace namespace;
    private @Nullable EventLog sharedLog;
    private @Nullable Duration closeTimeout;
    private @Nullable Duration duplicateWindow;

    private Builder() {}

    /**
     * Sets how long the store recognises an event id as a retry (2 minutes unless set, the
     * JetStream store's default): a retry within the window stores nothing and returns the
     * original result; after it the id is forgotten (see the class documentation). It belongs to
     * the state, so a store {@link #sharingStateWith sharing state} uses the other's window.
     *
     * @param window the window, positive
     * @return this builder
     * @throws IllegalArgumentException if the window is not positive
     * @throws IllegalStateException if it was already set
     */
    public Builder duplicateWindow(Duration window) {
      Objects.requireNonNull(window, "window");
      if (duplicateWindow != null) {
        throw new IllegalStateException("duplicate window was already set to " + duplicateWindow);
      }
      if (window.isNegative() || window.isZero()) {
        throw new IllegalArgumentException("duplicate window must be positive, was " + window);
      }
      this.duplicateWindow = window;
      return this;
    }

    /**
     * Sets the namespace; the store gets state of its own.
     *
     * @param namespace the namespace
     * @return this builder
     * @throws IllegalStateException if the namespace was already set, here or by {@link
     *     #sharingStateWith(InMemoryEventStore)}
     */
    public Builder namespace(Namespace namespace) {
      Objects.requireNonNull(namespace, "namespace");
      checkNamespaceUnset();
      this.namespace = namespace;
      return this;
    }

    /**
     * Makes the store share the state of another one (open or closed), and its namespace: events,
     * versions, event ids and durable subscription positions, as a second client of the same
     * JetStream stream would.
     *
     * @param other the store whose state to share
     * @return this builder
     * @throws IllegalStateException if the namespace was already set, here or by {@link
     *     #namespace(Namespace)}
     */
    public Builder sharingStateWith(InMemoryEventStore other) {
      Objects.requireNonNull(other, "other");
      checkNamespaceUnset();
      this.namespace = other.namespace();
      this.sharedLog = other.log;
      return this;
    }

    /**
     * Sets how long {@link EventSubscription#close()} and {@link #close()} wait for a handler call in
     * progress to return; 10 seconds unless set.
     *
     * @param timeout the longest wait, zero or more
     * @return this builder
     * @throws IllegalArgumentException if the timeout is negative
     * @throws IllegalStateException if it was already set
     */
    public Builder closeTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (closeTimeout != null) {
        throw new IllegalStateException("close timeout was already set to " + closeTimeout);
      }
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("close timeout must not be negative, was " + timeout);
      }
      this.closeTimeout = timeout;
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store, open
     * @throws IllegalStateException if no namespace was set
     */
    public InMemoryEventStore build() {
      if (namespace == null) {
        throw new IllegalStateException(
            "namespace is not set; call namespace(..) or sharingStateWith(..)");
      }
      if (sharedLog != null && duplicateWindow != null
          && !duplicateWindow.equals(sharedLog.duplicateWindow())) {
        throw new IllegalStateException("the shared state's duplicate window is "
            + sharedLog.duplicateWindow() + "; a store sharing it cannot use " + duplicateWindow);
      }
      EventLog log = sharedLog != null ? sharedLog : new EventLog(namespace,
          duplicateWindow != null ? duplicateWindow : DEFAULT_DUPLICATE_WINDOW);
      return new InMemoryEventStore(
          log, closeTimeout != null ? closeTimeout : DEFAULT_CLOSE_TIMEOUT);
    }

    private void checkNamespaceUnset() {
      if (namespace != null) {
        throw new IllegalStateException("namespace was already set to '" + namespace + "'");
      }
    }
  }
}
