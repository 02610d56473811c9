package one.flowmade.aether.bus.internal;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusHandler;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.bus.EventFilter;
import one.flowmade.aether.bus.NamespacePattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every bus subscription keeps alike: its namespaces, filter, handler and listener, its
 * counters, the rule for a handler that throws (counted, logged at WARN, reported, delivery goes
 * on) and the rule for drops (each counted and reported; the first logged at WARN, the rest at
 * DEBUG). Subclasses add the queue and the thread that calls {@link #deliver}. Thread-safe.
 */
public abstract class AbstractBusSubscription implements BusSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(AbstractBusSubscription.class);

  private final NamespacePattern namespaces;
  private final EventFilter filter;
  private final BusHandler handler;
  private final BusListener listener;
  private final Tracing tracing;
  private final AtomicLong dropped = new AtomicLong();
  private volatile long delivered;
  private volatile long handlerErrors;
  private volatile boolean warnedAboutDrops;

  /**
   * Creates the subscription's shared state.
   *
   * @param namespaces the namespaces it receives
   * @param filter the filter it applies
   * @param handler the user's handler
   * @param listener told about drops and handler failures (a {@link SafeListener})
   * @param tracing records a span {@code aether.handle} around each handler call, whose parent
   *     is the event's {@code traceparent}
   */
  protected AbstractBusSubscription(NamespacePattern namespaces, EventFilter filter,
      BusHandler handler, BusListener listener, Tracing tracing) {
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    this.namespaces = Objects.requireNonNull(namespaces, "namespaces");
    this.filter = Objects.requireNonNull(filter, "filter");
    this.handler = Objects.requireNonNull(handler, "handler");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Whether the subscription is closing, so that what the handler throws now is a consequence
   * of closing (an interrupt) rather than a handler failure.
   *
   * @return true while closing; false by default
   */
  protected boolean closing() {
    return false;
  }

  /**
   * Calls the handler with an event. What it throws is logged, reported to the listener and
   * returned as false; delivery goes on. A {@link VirtualMachineError} is logged and rethrown.
   *
   * @param event the event
   * @return false if the handler threw
   */
  protected final boolean deliver(BusEvent event) {
    Tracing.Operation span = tracing.startProcessing("aether.handle", event.metadata())
        .attribute("aether.namespace", event.namespace().name())
        .attribute("aether.event.type", event.type())
        .attribute("aether.actor.id", event.actorId());
    try (Tracing.CurrentScope ignored = span.makeCurrent()) {
      handler.onEvent(event);
      return true;
    } catch (VirtualMachineError e) {
      span.failed(e);
      LOG.error("handler of {} failed fatally on event {}; the subscription stops", this,
          event.id(), e);
      throw e;
    } catch (Throwable e) {
      if (closing()) {
        LOG.debug("handler of {} ended with {} on event {} while the subscription closed", this,
            e, event.id());
        return true;
      }
      span.failed(e);
      LOG.warn("handler of {} threw on event {} (type '{}', actor '{}'); delivery continues",
          this, event.id(), event.type(), event.actorId(), e);
      listener.handlerFailed(this, event, e);
      return false;
    } finally {
      span.end();
    }
  }

  /**
   * Counts and reports a drop: the first at WARN, later ones at DEBUG, every one to the
   * listener.
   *
   * @param drop the drop
   * @param detail what the first warning adds, or empty
   */
  protected final void dropped(Drop drop, String detail) {
    dropped.addAndGet(drop.count());
    if (!warnedAboutDrops) {
      warnedAboutDrops = true;
      LOG.warn("{} dropped {} event(s): {}{}; further drops are logged at DEBUG and all are"
          + " counted and reported to the bus listener", this, drop.count(), drop.reason(),
          detail);
    } else {
      LOG.debug("{} dropped {} event(s): {}", this, drop.count(), drop.reason());
    }
    listener.dropped(drop);
  }

  /**
   * Publishes the delivery counts (subclasses may count in batches).
   *
   * @param delivered the handler calls so far
   * @param handlerErrors the handler calls that threw so far
   */
  protected final void counted(long delivered, long handlerErrors) {
    this.delivered = delivered;
    this.handlerErrors = handlerErrors;
  }

  @Override
  public final NamespacePattern namespaces() {
    return namespaces;
  }

  @Override
  public final EventFilter filter() {
    return filter;
  }

  @Override
  public final long delivered() {
    return delivered;
  }

  @Override
  public final long dropped() {
    return dropped.get();
  }

  @Override
  public final long handlerErrors() {
    return handlerErrors;
  }
}
