package one.flowmade.aether.bus.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.EventBus;
import one.flowmade.aether.internal.BuilderSettings;
import org.jspecify.annotations.Nullable;

/**
 * The builder settings every bus shares (the listener, the close timeout, the meter registry and
 * the tracing), each checked when set and settable once by the rules of {@link BuilderSettings}.
 * The public builders delegate to it and keep the documentation. Micrometer and OpenTelemetry
 * classes are loaded only when a registry or an OpenTelemetry is given. Not thread-safe, like a
 * builder.
 */
public final class BusSettings {

  /** The default close timeout. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private @Nullable BusListener listener;
  private @Nullable Duration closeTimeout;
  private @Nullable MeterRegistry meterRegistry;
  private Tracing tracing = Tracing.none();

  /** Creates settings with nothing set. */
  public BusSettings() {}

  /**
   * Sets the listener.
   *
   * @param listener the listener
   * @throws IllegalStateException if already set
   */
  public void listener(BusListener listener) {
    this.listener = BuilderSettings.once(this.listener, listener, "listener");
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
    BuilderSettings.checkUnset(this.closeTimeout, "closeTimeout");
    this.closeTimeout = closeTimeout;
  }

  /**
   * Sets the registry the bus's meters are recorded in.
   *
   * @param registry the registry
   * @throws IllegalStateException if already set
   */
  @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
  public void meterRegistry(MeterRegistry registry) {
    this.meterRegistry = BuilderSettings.once(this.meterRegistry, registry, "meterRegistry");
  }

  /**
   * Sets the OpenTelemetry the bus traces with.
   *
   * @param openTelemetry the OpenTelemetry
   * @throws IllegalStateException if already set
   */
  @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
  public void openTelemetry(OpenTelemetry openTelemetry) {
    this.tracing = BuilderSettings.tracing(this.tracing, openTelemetry);
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
   * Returns the tracing set.
   *
   * @return the tracing, or {@link Tracing#none()}
   */
  public Tracing tracing() {
    return tracing;
  }

  /**
   * Returns the listener the bus reports to: the one set, counting each drop by reason on the
   * registry first if one was set, made safe against listeners that throw.
   *
   * @param meterTags the bus's tags
   * @return the listener
   */
  public SafeListener effectiveListener(Map<String, String> meterTags) {
    // Micrometer is optional: its classes are touched only when a registry was given.
    return new SafeListener(meterRegistry == null ? listener()
        : MicrometerBusMeters.countingDrops(meterRegistry, meterTags, listener()));
  }

  /**
   * Registers the bus's meters if a registry was set.
   *
   * @param meterTags the bus's tags
   * @param bus the bus, read when the registry is scraped
   * @return the binding that removes them, or {@link MeterBinding#NONE}
   */
  public MeterBinding bindMeters(Map<String, String> meterTags, EventBus bus) {
    return meterRegistry == null ? MeterBinding.NONE
        : MicrometerBusMeters.bind(meterRegistry, meterTags, bus);
  }
}
