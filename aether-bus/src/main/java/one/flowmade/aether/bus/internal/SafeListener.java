package one.flowmade.aether.bus.internal;

import java.util.Objects;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusSubscription;
import one.flowmade.aether.bus.Drop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls a user's {@link BusListener}, logging and swallowing whatever it throws, so a faulty
 * listener never breaks delivery. Thread-safe if the listener is.
 */
public final class SafeListener implements BusListener {

  private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);

  private final BusListener delegate;

  /**
   * Wraps a listener.
   *
   * @param delegate the user's listener
   */
  public SafeListener(BusListener delegate) {
    this.delegate = Objects.requireNonNull(delegate, "listener");
  }

  @Override
  public void dropped(Drop drop) {
    try {
      delegate.dropped(drop);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("bus listener threw from dropped({}); ignored", drop, e);
    }
  }

  @Override
  public void handlerFailed(BusSubscription subscription, BusEvent event, Throwable failure) {
    try {
      delegate.handlerFailed(subscription, event, failure);
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("bus listener threw from handlerFailed({}, event {}); ignored", subscription,
          event.id(), e);
    }
  }
}
