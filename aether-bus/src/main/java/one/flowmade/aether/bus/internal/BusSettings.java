package one.flowmade.aether.bus.internal;

import java.time.Duration;
import java.util.Objects;
import one.flowmade.aether.bus.BusListener;

/**
 * The builder settings every bus shares (the listener and the close timeout), each checked when
 * set and settable once. The public builders delegate to it and keep the documentation. Not
 * thread-safe, like a builder.
 */
public final class BusSettings {

  /** The default close timeout. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private BusListener listener;
  private Duration closeTimeout;

  /** Creates settings with nothing set. */
  public BusSettings() {}

  /**
   * Sets the listener.
   *
   * @param listener the listener
   * @throws IllegalStateException if already set
   */
  public void listener(BusListener listener) {
    Objects.requireNonNull(listener, "listener");
    if (this.listener != null) {
      throw new IllegalStateException("listener was already set");
    }
    this.listener = listener;
  }

  /**
   * Sets the close timeout.
   *
   * @param closeTimeout zero or more
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public void closeTimeout(Duration closeTimeout) {
    Objects.requireNonNull(closeTimeout, "closeTimeout");
    if (closeTimeout.isNegative()) {
      throw new IllegalArgumentException("closeTimeout must not be negative, was "
          + closeTimeout);
    }
    checkUnset(this.closeTimeout, "closeTimeout");
    this.closeTimeout = closeTimeout;
  }

  /**
   * Returns the listener set (the bus wraps it in a {@link SafeListener}).
   *
   * @return the listener, or {@link BusListener#NONE}
   */
  public BusListener listener() {
    return listener == null ? BusListener.NONE : listener;
  }

  /**
   * Returns the close timeout set, or the default.
   *
   * @return the close timeout
   */
  public Duration closeTimeout() {
    return closeTimeout == null ? DEFAULT_CLOSE_TIMEOUT : closeTimeout;
  }

  /**
   * Throws if a setting was already set.
   *
   * @param current the setting's current value, null if unset
   * @param name the setting's name
   * @throws IllegalStateException if {@code current} is not null
   */
  public static void checkUnset(Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current);
    }
  }
}
