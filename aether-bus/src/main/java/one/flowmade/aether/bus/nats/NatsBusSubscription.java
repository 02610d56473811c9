package one.flowmade.aether.bus.nats;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.MessageHandler;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusHandler;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.bus.DropReason;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import one.flowmade.aether.bus.internal.AbstractBusSubscription;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription of the NATS bus: one jnats {@link Dispatcher} (one thread, one pending queue
 * with its own limits and dropped count) listening on the subjects of {@link BusSubjects}.
 *
 * <p>Thread-safe.
 */
final class NatsBusSubscription extends AbstractBusSubscription implements MessageHandler {

  private static final Logger LOG = LoggerFactory.getLogger(NatsBusSubscription.class);

  private final NatsEventBus bus;
  private final long id;
  /** The namespace of a single-namespace subscription, else null. */
  private final @Nullable Namespace fixedNamespace;
  private final Connection connection;
  private final List<String> subjects;
  private final ReentrantLock handlerLock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong reportedSlowConsumerDrops = new AtomicLong();
  /** Null until {@link #open}. */
  private volatile @Nullable Dispatcher dispatcher;
  /** Written by the dispatcher thread only, under the handler lock. */
  private long deliveredCount;
  private long errorCount;

  NatsBusSubscription(NatsEventBus bus, long id, NamespacePattern namespaces, EventFilter filter,
      BusHandler handler, BusListener listener, Connection connection,
      NatsEventBus.StoredEvents storedEvents) {
    super(namespaces, filter, handler, listener, bus.tracing());
    this.bus = bus;
    this.id = id;
    this.fixedNamespace = namespaces instanceof NamespacePattern.Exactly exactly
        ? exactly.namespace() : null;
    this.connection = connection;
    this.subjects = BusSubjects.of(namespaces, filter, storedEvents);
  }

  /** Creates the dispatcher and subscribes its subjects. */
  void open(long pendingMessageLimit) {
    Dispatcher d = connection.createDispatcher(this);
    d.setPendingLimits(pendingMessageLimit, Consumer.DEFAULT_MAX_BYTES);
    dispatcher = d;
    for (String subject : subjects) {
      d.subscribe(subject);
    }
  }

  @Override
  public void onMessage(Message message) {
    if (closed.get()) {
      droppedAfterClose(message);
      return;
    }
    try {
      BusEvent event;
      try {
        event = decode(message);
      } catch (RuntimeException e) {
        undecodable(message, e);
        return;
      }
      if (event == null || !filter().matches(event)) {
        return;
      }
      handlerLock.lock();
      try {
        if (closed.get()) {
          droppedAfterClose(message);
          return;
        }
        boolean ok = deliver(event);
        deliveredCount++;
        if (!ok) {
          errorCount++;
        }
        counted(deliveredCount, errorCount);
        bus.counters(event.namespace()).delivered(ok);
      } finally {
        handlerLock.unlock();
      }
    } finally {
      reportSlowConsumerDrops();
    }
  }

  private BusEvent decode(Message message) {
    SubjectLayout.Parsed parsed = SubjectLayout.parse(message.getSubject());
    if (fixedNamespace != null && !fixedNamespace.equals(parsed.namespace())) {
      // The server only routes this namespace's subjects here; anything else is a bug.
      throw new IllegalStateException("received subject '" + message.getSubject()
          + "' outside namespace '" + fixedNamespace + "'");
    }
    Headers headers = message.getHeaders();
    if (headers == null) {
      throw new IllegalArgumentException("message has no CloudEvents headers");
    }
    CloudEventHeaders.Attributes attributes =
        CloudEventHeaders.decode(headers.keySet(), headers::getFirst);
    if (!attributes.actorId().equals(parsed.actorId())) {
      throw new IllegalArgumentException("header " + CloudEventHeaders.SUBJECT + " names actor '"
          + attributes.actorId() + "' but the subject names '" + parsed.actorId() + "'");
    }
    if (!attributes.type().equals(parsed.type())) {
      throw new IllegalArgumentException("header " + CloudEventHeaders.TYPE + " is '"
          + attributes.type() + "' but the subject names type '" + parsed.type() + "'");
    }
    // A stored event republished by its namespace's stream carries the stream's sequence.
    boolean republished = !parsed.stored() && SubjectLayout.streamName(parsed.namespace())
        .equals(headers.getFirst(NatsEventBus.STREAM_HEADER));
    if ((parsed.stored() || republished) && attributes.version() < 1) {
      throw new IllegalArgumentException("stored event without header "
          + CloudEventHeaders.ACTOR_VERSION);
    }
    long position = BusEvent.NONE;
    if (republished) {
      position = number(headers, NatsEventBus.SEQUENCE_HEADER);
      if (position < 1) {
        throw new IllegalArgumentException("republished event without header "
            + NatsEventBus.SEQUENCE_HEADER);
      }
    } else if (!parsed.stored()) {
      position = number(headers, NatsEventBus.POSITION_HEADER);
    }
    byte[] data = message.getData();
    return new BusEvent(parsed.namespace(), attributes.id(), attributes.type(),
        attributes.actorId(), attributes.version(), attributes.timestamp(), attributes.metadata(),
        Payload.of(data == null ? new byte[0] : data, attributes.contentType()), position);
  }

  private static long number(Headers headers, String name) {
    String value = headers.getFirst(name);
    if (value == null) {
      return BusEvent.NONE;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("header " + name + " is not a number: '" + value + "'",
          e);
    }
  }

  @Override
  protected boolean closing() {
    // Closing stops the dispatcher, which interrupts a handler still running.
    return closed.get();
  }

  private void undecodable(Message message, RuntimeException cause) {
    LOG.warn("{} cannot decode the message on '{}' ({} bytes): {}; it is counted as dropped",
        this, message.getSubject(), message.getData() == null ? 0 : message.getData().length,
        cause.getMessage());
    bus.dropped(namespaceOf(message.getSubject()), 1);
    dropped(new Drop(this, DropReason.UNDECODABLE, 1, Optional.empty(), Optional.of(cause)), "");
  }

  /** The subject's namespace, or null if it names none (the drop is counted unattributed). */
  private @Nullable Namespace namespaceOf(String subject) {
    if (fixedNamespace != null) {
      return fixedNamespace;
    }
    String[] tokens = subject.split("\\.", 4);
    try {
      return tokens.length > 2 ? Namespace.of(tokens[2]) : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Reports what the client dropped since the last report. */
  void reportSlowConsumerDrops() {
    Dispatcher d = dispatcher;
    if (d == null) {
      return;
    }
    long total = d.getDroppedCount();
    long reported = reportedSlowConsumerDrops.get();
    if (total > reported && reportedSlowConsumerDrops.compareAndSet(reported, total)) {
      long count = total - reported;
      bus.dropped(fixedNamespace, count);
      dropped(Drop.of(this, DropReason.SLOW_CONSUMER, count), " (the NATS client's pending limit"
          + " of " + d.getPendingMessageLimit() + " messages was reached)");
    }
  }

  /** Closes the subscription; {@code unregister} is false when the bus closes it. */
  void close(boolean unregister) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (unregister) {
      bus.unregister(this);
    }
    Dispatcher d = dispatcher;
    long pending = 0;
    if (d != null) {
      // Stop the dispatcher first, then count what it still holds: a message it took before it
      // stopped reaches onMessage, which counts it there (droppedAfterClose), so each message is
      // counted once, either here or there.
      try {
        connection.closeDispatcher(d);
      } catch (IllegalStateException | IllegalArgumentException e) {
        LOG.debug("{}: dispatcher already gone: {}", this, e.getMessage());
      }
      pending = d.getPendingMessageCount();
    }
    awaitHandler(bus.closeTimeout());
    reportSlowConsumerDrops();
    if (pending > 0) {
      bus.dropped(fixedNamespace, pending);
      LOG.debug("{} discarded {} received message(s) on close", this, pending);
      dropped(Drop.of(this, DropReason.CLOSED, pending), "");
    }
  }

  /** A message the dispatcher handed over after the subscription closed: a counted drop. */
  private void droppedAfterClose(Message message) {
    bus.dropped(fixedNamespace != null ? fixedNamespace : namespaceOf(message.getSubject()), 1);
    dropped(Drop.of(this, DropReason.CLOSED, 1), "");
  }

  private void awaitHandler(Duration timeout) {
    try {
      if (handlerLock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        handlerLock.unlock();
      } else {
        LOG.warn("{} is still inside its handler {} after close; no further call will start",
            this, timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    close(true);
  }

  long pending() {
    Dispatcher d = dispatcher;
    return d == null || closed.get() ? 0 : d.getPendingMessageCount();
  }

  @Nullable Namespace fixedNamespace() {
    return fixedNamespace;
  }

  @Override
  public boolean isActive() {
    return !closed.get() && connection.getStatus() != Connection.Status.CLOSED;
  }

  @Override
  public long queueDepth() {
    return pending();
  }

  @Override
  public String toString() {
    return "NatsBusSubscription[" + id + ", namespaces=" + namespaces() + ", subjects=" + subjects
        + "]";
  }
}
