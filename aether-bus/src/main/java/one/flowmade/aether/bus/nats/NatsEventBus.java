package one.flowmade.aether.bus.nats;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.Options;
import io.nats.client.api.Republish;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import one.flowmade.aether.Health;
import one.flowmade.aether.HealthCheck;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.UnsafeStreamException;
import one.flowmade.aether.UnsupportedServerException;
import one.flowmade.aether.bus.BusClosedException;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusHandler;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusMetrics;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.BusUnavailableException;
import one.flowmade.aether.bus.DropReason;
import one.flowmade.aether.bus.EventBus;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import one.flowmade.aether.bus.internal.BusSettings;
import one.flowmade.aether.bus.internal.MeterBinding;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.StreamAdoption;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventBus} between processes over core NATS (no JetStream), on a {@link Connection}
 * the application owns.
 *
 * <pre>{@code
 * Connection nc = Nats.connect(options);
 * try (NatsEventBus bus = NatsEventBus.builder(nc).build()) {
 *   bus.subscribe(Namespace.of("orders"), event -> ...);
 *   bus.publish(BusEvent.of(Namespace.of("orders"), "order-1", "OrderShipped", payload));
 * }
 * }</pre>
 *
 * <h2>What travels where</h2>
 *
 * <ul>
 *   <li>{@link #publish} sends the event as a CloudEvents binary-mode message ({@link
 *       CloudEventHeaders}; its position, when known, in the {@value #POSITION_HEADER} header) on
 *       {@code aether.bus.<namespace>.<actor>.<type>} ({@link SubjectLayout#busSubject}). No
 *       JetStream stream captures these subjects: bus events are not stored.
 *   <li>Events appended to the JetStream store reach bus subscribers on every node without being
 *       published again: the namespace's stream republishes each event it stores to the event's
 *       bus subject (JetStream RePublish from {@link SubjectLayout#allEvents} to {@link
 *       SubjectLayout#allBusEvents}), and the bus delivers that copy with the event's version and
 *       its position ({@value #SEQUENCE_HEADER}). Only stored events arrive this way, once each:
 *       not the append attempts the stream rejected (version conflicts) or de-duplicated
 *       (retries), which a core NATS subscriber of {@code aether.ev.…} would also see. Do not also
 *       publish stored events on the bus, or subscribers receive them twice. For streams that do
 *       not republish, {@link StoredEvents#APPEND_SUBJECTS} listens on {@code aether.ev.…}
 *       instead, with that caveat; a subscription to one namespace whose stream does not
 *       republish logs a warning.
 *   <li>Filtering happens on the server where the subject layout allows: the namespace always (a
 *       subscription to {@code a} never receives {@code a-b}'s events), event types, and exact
 *       actor ids; actor prefixes and regular expressions are applied in the client.
 * </ul>
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li><b>At most once.</b> Core NATS does not retry. An event is lost to a subscriber that is
 *       disconnected when it is published, or whose client queue is full. The second case is
 *       never silent: each subscription has its own client queue (a jnats dispatcher, {@link
 *       Builder#pendingLimit(long)} messages); when it is full the client drops newer messages
 *       (a NATS slow consumer), and the bus counts them ({@link BusMetrics#dropped()}) and reports
 *       them as {@link DropReason#SLOW_CONSUMER}. Messages that cannot be decoded are counted and
 *       reported as {@link DropReason#UNDECODABLE}.
 *   <li><b>Order.</b> A subscription's handler runs on its dispatcher's single thread (from the
 *       connection's executor), one event at a time, in the order the connection received them:
 *       the publishing order of each publishing connection.
 *   <li><b>Reconnects.</b> jnats reconnects and re-subscribes on its own; subscriptions resume
 *       without any action. While the connection is down, {@link #publish} does not fail: jnats
 *       buffers the message (up to {@link Options#getReconnectBufferSize()}) and sends it after
 *       reconnecting, after re-sending this connection's subscriptions. Subscribers on other
 *       connections that are themselves reconnecting may miss it. Once the buffer is full,
 *       {@link #publish} throws {@link BusUnavailableException}.
 * </ul>
 *
 * <h2>Closing</h2>
 *
 * <p>{@link BusSubscription#close()} and {@link #close()} unsubscribe at once; messages the client
 * had received but not delivered are discarded, counted and reported as {@link
 * DropReason#CLOSED}. Both wait up to {@link Builder#closeTimeout} for a handler call in progress,
 * and no handler call starts after they return. jnats interrupts the dispatcher thread when it
 * stops it, so a handler still running when its subscription closes sees an interrupt; what it
 * throws then is logged at DEBUG, not reported. Closing the bus does not close the connection.
 *
 * <p>Thread-safe. The bus starts no threads of its own: handlers run on jnats dispatcher threads.
 */
public final class NatsEventBus implements EventBus, HealthCheck {

  /**
   * The header carrying {@link BusEvent#position()} of a bus event, when it is known. It is not a
   * CloudEvents attribute.
   */
  public static final String POSITION_HEADER = "aether-position";
  /** The header in which a stream names itself on the messages it republishes. */
  public static final String STREAM_HEADER = "Nats-Stream";
  /** The header carrying the stream sequence (the position) of a republished message. */
  public static final String SEQUENCE_HEADER = "Nats-Sequence";
  /** The oldest server with message headers, which the CloudEvents binary mode needs. */
  static final String REQUIRED_SERVER = "2.2.0";

  private static final Map<String, String> METER_TAGS = Map.of("bus", "nats");
  private static final Logger LOG = LoggerFactory.getLogger(NatsEventBus.class);

  private final Connection connection;
  private final BusListener listener;
  private final long pendingLimit;
  private final Duration closeTimeout;
  private final Duration subscribeTimeout;
  private final StoredEvents storedEvents;
  private final MeterBinding meters;
  private final Tracing tracing;
  private final Set<Namespace> checkedStreams = ConcurrentHashMap.newKeySet();

  private final ConcurrentHashMap<Namespace, Counters> counters = new ConcurrentHashMap<>();
  /** Drops of subscriptions to all namespaces whose namespace is unknown. */
  private final LongAdder unattributedDrops = new LongAdder();
  private final Set<NatsBusSubscription> live = ConcurrentHashMap.newKeySet();
  private final AtomicLong nextId = new AtomicLong(1);
  private final Object registration = new Object();
  private volatile boolean closed;

  private NatsEventBus(Builder builder) {
    this.connection = builder.connection;
    this.listener = builder.settings.effectiveListener(METER_TAGS);
    this.pendingLimit = builder.pendingLimit == 0 ? Builder.DEFAULT_PENDING_LIMIT
        : builder.pendingLimit;
    this.closeTimeout = builder.settings.closeTimeout();
    this.subscribeTimeout = builder.subscribeTimeout == null ? Builder.DEFAULT_TIMEOUT
        : builder.subscribeTimeout;
    this.storedEvents = builder.storedEvents == null ? StoredEvents.REPUBLISHED
        : builder.storedEvents;
    this.tracing = builder.settings.tracing();
    this.meters = builder.settings.bindMeters(METER_TAGS, this);
  }

  /**
   * Returns a builder for a bus on a connection, checking the connection at once.
   *
   * @param connection an open connection; the application keeps owning and closing it
   * @return a new builder
   * @throws IllegalArgumentException if the connection is closed, delivers with an executor
   *     ({@code Options.Builder.useDispatcherWithExecutor()}, which breaks ordering) or discards
   *     messages when its outgoing queue is full ({@code
   *     discardMessagesWhenOutgoingQueueFull()}, which would lose publishes silently)
   */
  public static Builder builder(Connection connection) {
    return new Builder(connection);
  }

  /**
   * Publishes an event on {@code aether.bus.<namespace>.<actor>.<type>}. Returns once jnats has
   * queued the message for sending; it does not wait for subscribers. A subject the connection's
   * NATS user may not publish to is refused by the server after this returns: jnats reports the
   * permissions violation to the connection's {@code ErrorListener}, and this method does not
   * throw; grant the user the bus subjects.
   *
   * @throws BusClosedException if the bus or the connection is closed
   * @throws BusUnavailableException if jnats cannot queue the message now (disconnected with a
   *     full reconnect buffer, or a full outgoing queue)
   * @throws IllegalArgumentException if the message exceeds the server's maximum payload: publish
   *     less data
   */
  @Override
  public void publish(BusEvent event) {
    Objects.requireNonNull(event, "event");
    if (closed) {
      throw new BusClosedException("the NATS bus is closed", null);
    }
    Metadata traced = tracing.injectCurrent(event.metadata());
    if (traced != event.metadata()) {
      event = event.withMetadata(traced);
    }
    Namespace namespace = event.namespace();
    Headers headers = new Headers();
    CloudEventHeaders.encode(namespace, event.id(), event.type(), event.actorId(),
        event.version(), event.timestamp(), event.metadata(), event.data().contentType(),
        headers::add);
    if (event.position() != BusEvent.NONE) {
      headers.add(POSITION_HEADER, Long.toString(event.position()));
    }
    String subject = SubjectLayout.busSubject(namespace, event.actorId(), event.type());
    try {
      connection.publish(subject, headers, event.data().toByteArray());
    } catch (IllegalStateException e) {
      if (connection.getStatus() == Connection.Status.CLOSED
          || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("closed")) {
        throw new BusClosedException("the NATS connection of the bus is closed; event "
            + event.id() + " was not published", e);
      }
      throw new BusUnavailableException("NATS cannot take event " + event.id() + " now ("
          + e.getMessage() + "); it was not published", e);
    }
    counters(namespace).published.increment();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Creates a jnats dispatcher for the subscription and subscribes the subjects that filter on
   * the server. If the connection is up, returns once the server has confirmed them (a flush,
   * bounded by {@link Builder#subscribeTimeout}), so events published afterwards through the same
   * server are received; servers elsewhere in a cluster learn of the subscription shortly after.
   * While the connection is down, the subscription takes effect when it comes back.
   *
   * <p>A subscription to exactly one namespace receives the events its event stream {@code
   * AETHER_<ns>} republishes, so the first one (per namespace and bus) reads that stream's
   * configuration and refuses it if it could bring other data in or send the namespace's events
   * elsewhere ({@code docs/security.md}, Adoption check). A stream that does not exist yet, or
   * cannot be read, is checked at the next subscription to the namespace. Subscriptions to
   * several namespaces (prefixes, all) and a bus built with {@link
   * StoredEvents#APPEND_SUBJECTS} check no stream.
   *
   * @throws UnsafeStreamException if the namespace's event stream has sources, a mirror, a
   *     republish other than Aether's own, a subject transform, subjects other than the
   *     namespace's or {@code mirror_direct}; nothing was subscribed and nothing changed
   */
  @Override
  public BusSubscription subscribe(NamespacePattern namespaces, EventFilter filter,
      BusHandler handler) {
    Objects.requireNonNull(namespaces, "namespaces");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(handler, "handler");
    if (storedEvents == StoredEvents.REPUBLISHED
        && namespaces instanceof NamespacePattern.Exactly exactly
        && checkedStreams.add(exactly.namespace())) {
      checkStream(exactly.namespace());
    }
    NatsBusSubscription subscription;
    synchronized (registration) {
      if (closed) {
        throw new BusClosedException("the NATS bus is closed", null);
      }
      subscription = new NatsBusSubscription(this, nextId.getAndIncrement(), namespaces, filter,
          handler, listener, connection, storedEvents);
      try {
        subscription.open(pendingLimit);
      } catch (IllegalStateException e) {
        subscription.close(false);
        throw new BusClosedException("the NATS connection of the bus is closed", e);
      }
      live.add(subscription);
    }
    if (connection.getStatus() == Connection.Status.CONNECTED) {
      try {
        connection.flush(subscribeTimeout);
      } catch (TimeoutException e) {
        LOG.debug("{}: the server did not confirm within {}; it will be active once it does",
            subscription, subscribeTimeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    LOG.debug("{} opened", subscription);
    return subscription;
  }

  /**
   * Checks, without a request to the server, that the bus can publish and deliver: it is open
   * and its connection is {@code CONNECTED} (while jnats reconnects, publishes are buffered and
   * subscriptions receive nothing). Details: {@code connection}, {@code subscriptions} (open
   * ones) and, when down, {@code reason}. Thread-safe; never throws.
   *
   * @return {@code UP}, or {@code DOWN} with the reason
   */
  @Override
  public Health health() {
    Map<String, String> details = new LinkedHashMap<>();
    Connection.Status status = connection.getStatus();
    details.put("connection", String.valueOf(status));
    details.put("subscriptions", Integer.toString(live.size()));
    if (closed) {
      return Health.down("the NATS bus is closed", details);
    }
    if (status != Connection.Status.CONNECTED) {
      return Health.down("not connected to NATS (" + status + ")", details);
    }
    return Health.up(details);
  }

  /**
   * Checks the namespace's event stream, whose republished copies a subscription to the
   * namespace receives: refuses one that could bring other data in or send the namespace's
   * events elsewhere ({@link StreamAdoption}), and makes one that would keep stored events from
   * the bus visible in the log. A stream that cannot be read now is checked at the next
   * subscription.
   *
   * @throws UnsafeStreamException if the stream could leak or forge; nothing was subscribed
   */
  private void checkStream(Namespace namespace) {
    if (connection.getStatus() != Connection.Status.CONNECTED) {
      checkedStreams.remove(namespace);
      return;
    }
    String stream = SubjectLayout.streamName(namespace);
    try {
      StreamConfiguration config = connection.jetStreamManagement().getStreamInfo(stream)
          .getConfiguration();
      StreamAdoption.check(config, AetherStreams.events(namespace),
          "the NATS bus (a subscription to namespace '" + namespace.name() + "')");
      Republish republish = config.getRepublish();
      String wanted = SubjectLayout.allBusEvents(namespace);
      if (republish == null || !wanted.equals(republish.getDestination())) {
        LOG.warn("stream '{}' does not republish the events it stores to '{}', so they do not"
            + " reach NATS bus subscribers of namespace '{}'; configure RePublish {} -> {} on the"
            + " stream, or build the bus with StoredEvents.APPEND_SUBJECTS", stream, wanted,
            namespace, SubjectLayout.allEvents(namespace), wanted);
      }
    } catch (UnsafeStreamException e) {
      checkedStreams.remove(namespace);
      throw e;
    } catch (JetStreamApiException e) {
      LOG.debug("cannot check stream '{}' ({}); it may not exist yet", stream, e.getMessage());
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot check stream '{}': {}", stream, e.toString());
    }
  }

  @Override
  public BusMetrics metrics(Namespace namespace) {
    Objects.requireNonNull(namespace, "namespace");
    int active = 0;
    long depth = 0;
    for (NatsBusSubscription subscription : live) {
      if (subscription.namespaces().matches(namespace)) {
        active++;
        if (namespace.equals(subscription.fixedNamespace())) {
          depth += subscription.pending();
        }
      }
    }
    Counters c = counters.get(namespace);
    if (c == null) {
      return new BusMetrics(0, 0, 0, 0, active, depth);
    }
    return new BusMetrics(c.published.sum(), c.delivered.sum(), c.dropped.sum(),
        c.handlerErrors.sum(), active, depth);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The totals include drops of subscriptions to all namespaces that cannot be attributed to
   * a namespace (slow-consumer drops, whose messages the client discarded unread).
   */
  @Override
  public BusMetrics metrics() {
    long published = 0;
    long delivered = 0;
    long dropped = unattributedDrops.sum();
    long errors = 0;
    for (Counters c : counters.values()) {
      published += c.published.sum();
      delivered += c.delivered.sum();
      dropped += c.dropped.sum();
      errors += c.handlerErrors.sum();
    }
    long depth = 0;
    for (NatsBusSubscription subscription : live) {
      depth += subscription.pending();
    }
    return new BusMetrics(published, delivered, dropped, errors, live.size(), depth);
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes every subscription (discarding, counting and reporting what their client queues held)
   * and refuses further publishes. Idempotent. The connection stays open.
   */
  @Override
  public void close() {
    List<NatsBusSubscription> closing;
    synchronized (registration) {
      if (closed) {
        return;
      }
      closed = true;
      meters.unbind();
      closing = new ArrayList<>(live);
      live.clear();
    }
    closing.forEach(subscription -> subscription.close(false));
    LOG.debug("NATS bus closed");
  }

  /**
   * Returns the connection the bus uses.
   *
   * @return the connection, owned by the application
   */
  public Connection connection() {
    return connection;
  }

  // ---------------------------------------------------------------- for subscriptions

  Counters counters(Namespace namespace) {
    Counters c = counters.get(namespace);
    return c != null ? c : counters.computeIfAbsent(namespace, n -> new Counters());
  }

  /** Counts drops in {@code namespace}'s counters, or unattributed if it is null. */
  void dropped(@Nullable Namespace namespace, long count) {
    if (namespace == null) {
      unattributedDrops.add(count);
    } else {
      counters(namespace).dropped.add(count);
    }
  }

  void unregister(NatsBusSubscription subscription) {
    live.remove(subscription);
  }

  Duration closeTimeout() {
    return closeTimeout;
  }

  @Override
  public String toString() {
    return "NatsEventBus[" + connection.getConnectedUrl() + "]";
  }

  /** Where a NATS bus receives the events appended to the JetStream store from. */
  public enum StoredEvents {
    /**
     * From the copies the namespace's stream republishes to the bus subjects (the default): only
     * stored events, once each, with their position. Needs the stream to republish {@link
     * SubjectLayout#allEvents} to {@link SubjectLayout#allBusEvents}.
     */
    REPUBLISHED,
    /**
     * Also from the store's own subjects, {@code aether.ev.…}, for streams that do not republish:
     * every append attempt, including those the stream rejected (version conflicts) and retries
     * it de-duplicated, without position. Do not combine with a republishing stream, or stored
     * events arrive twice.
     */
    APPEND_SUBJECTS
  }

  /** Counters of one namespace. */
  static final class Counters {
    final LongAdder published = new LongAdder();
    final LongAdder delivered = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder handlerErrors = new LongAdder();

    void delivered(boolean ok) {
      delivered.increment();
      if (!ok) {
        handlerErrors.increment();
      }
    }
  }

  /** The tracing of this bus's subscriptions; for them. */
  Tracing tracing() {
    return tracing;
  }

  /**
   * Builds a {@link NatsEventBus}. Each setter checks its input at once and may be called only
   * once. Not thread-safe.
   */
  public static final class Builder {

    /** The default client queue of a subscription, in messages. */
    public static final long DEFAULT_PENDING_LIMIT = 65_536;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private final Connection connection;
    private final BusSettings settings = new BusSettings();
    private long pendingLimit;
    private @Nullable Duration subscribeTimeout;
    private @Nullable StoredEvents storedEvents;

    private Builder(Connection connection) {
      Objects.requireNonNull(connection, "connection");
      if (connection.getStatus() == Connection.Status.CLOSED) {
        throw new IllegalArgumentException("the connection is closed");
      }
      Options options = connection.getOptions();
      if (options.useDispatcherWithExecutor()) {
        throw new IllegalArgumentException("the connection delivers messages through an executor"
            + " (useDispatcherWithExecutor), which calls handlers concurrently and out of order;"
            + " the NATS bus needs a connection without it");
      }
      if (options.isDiscardMessagesWhenOutgoingQueueFull()) {
        throw new IllegalArgumentException("the connection discards messages when its outgoing"
            + " queue is full (discardMessagesWhenOutgoingQueueFull), which would lose publishes"
            + " silently; the NATS bus needs a connection without it");
      }
      this.connection = connection;
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
     * Sets how many received messages each subscription's client queue holds before the client
     * drops newer ones (counted, reported as {@link DropReason#SLOW_CONSUMER}); default {@value
     * #DEFAULT_PENDING_LIMIT}. The byte limit stays at jnats' default (64 MiB).
     *
     * @param messages at least 1
     * @return this builder
     * @throws IllegalArgumentException if below 1
     * @throws IllegalStateException if already set
     */
    public Builder pendingLimit(long messages) {
      if (messages < 1) {
        throw new IllegalArgumentException("pendingLimit must be at least 1, was " + messages);
      }
      if (this.pendingLimit != 0) {
        throw new IllegalStateException("pendingLimit was already set to " + this.pendingLimit);
      }
      this.pendingLimit = messages;
      return this;
    }

    /**
     * Sets how long closing waits for a handler call in progress; default 5 s.
     *
     * @param closeTimeout zero or more
     * @return this builder
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if already set
     */
    public Builder closeTimeout(Duration closeTimeout) {
      settings.closeTimeout(closeTimeout);
      return this;
    }

    /**
     * Sets how long {@link NatsEventBus#subscribe} waits for the server to confirm a new
     * subscription; default 5 s.
     *
     * @param subscribeTimeout more than zero
     * @return this builder
     * @throws IllegalArgumentException if zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder subscribeTimeout(Duration subscribeTimeout) {
      Objects.requireNonNull(subscribeTimeout, "subscribeTimeout");
      if (subscribeTimeout.isNegative() || subscribeTimeout.isZero()) {
        throw new IllegalArgumentException("subscribeTimeout must be positive, was "
            + subscribeTimeout);
      }
      if (this.subscribeTimeout != null) {
        throw new IllegalStateException(
            "subscribeTimeout was already set to " + this.subscribeTimeout);
      }
      this.subscribeTimeout = subscribeTimeout;
      return this;
    }

    /**
     * Sets where subscriptions receive the events appended to the JetStream store from; default
     * {@link StoredEvents#REPUBLISHED}.
     *
     * @param storedEvents the source
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder storedEvents(StoredEvents storedEvents) {
      Objects.requireNonNull(storedEvents, "storedEvents");
      if (this.storedEvents != null) {
        throw new IllegalStateException("storedEvents was already set to " + this.storedEvents);
      }
      this.storedEvents = storedEvents;
      return this;
    }

    /**
     * Records the bus's meters in a Micrometer registry (default: none): events published,
     * delivered and dropped (by reason), handler errors, open subscriptions and queue depth,
     * tagged {@code bus=nats}. The counts are read from {@link EventBus#metrics()} when the
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
     * Builds the bus. If the connection is up, checks that the server supports message headers.
     *
     * @return a new bus
     * @throws UnsupportedServerException if the server is older than 2.2.0 and has no message
     *     headers, so CloudEvents binary mode cannot work: upgrade the server
     */
    public NatsEventBus build() {
      if (connection.getStatus() == Connection.Status.CONNECTED) {
        ServerInfo info = connection.getServerInfo();
        if (info != null && !info.isHeadersSupported()) {
          throw new UnsupportedServerException("NATS server " + info.getVersion() + " is older"
              + " than " + REQUIRED_SERVER + " or has headers disabled; the NATS bus needs"
              + " message headers to carry events as CloudEvents (binary mode)");
        }
      }
      return new NatsEventBus(this);
    }
  }
}
