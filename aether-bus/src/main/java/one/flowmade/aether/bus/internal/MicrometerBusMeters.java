package one.flowmade.aether.bus.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToLongFunction;
import one.flowmade.aether.bus.BusListener;
import one.flowmade.aether.bus.BusMetrics;
import one.flowmade.aether.bus.Drop;
import one.flowmade.aether.bus.DropReason;
import one.flowmade.aether.bus.EventBus;

/**
 * A bus's meters on a Micrometer registry: its own {@link BusMetrics} counters read when the
 * registry is scraped (no cost on the publish path), and drops counted by reason as the bus
 * reports them. The names are listed in {@code docs/operations.md}. Thread-safe.
 */
public final class MicrometerBusMeters {

  static final String PUBLISHED = "aether.bus.published";
  static final String DELIVERED = "aether.bus.delivered";
  static final String DROPPED = "aether.bus.dropped";
  static final String HANDLER_ERRORS = "aether.bus.handler.errors";
  static final String SUBSCRIPTIONS = "aether.bus.subscriptions";
  static final String QUEUE_DEPTH = "aether.bus.queue.depth";

  private MicrometerBusMeters() {}

  /**
   * Returns a listener that counts each drop by reason, then tells {@code delegate}.
   *
   * @param registry the registry
   * @param tags the bus's tags ({@code bus}, and {@code name} for a local bus)
   * @param delegate the user's listener
   * @return the counting listener
   */
  public static BusListener countingDrops(MeterRegistry registry, Map<String, String> tags,
      BusListener delegate) {
    // One counter for every reason, by ordinal: there is no reason without one.
    DropReason[] reasons = DropReason.values();
    Counter[] counters = new Counter[reasons.length];
    for (DropReason reason : reasons) {
      counters[reason.ordinal()] = Counter.builder(DROPPED).tags(tags(tags))
          .tag("reason", reason.name().toLowerCase(java.util.Locale.ROOT)).baseUnit("events")
          .description("Events accepted for a subscription and not delivered to it, by reason")
          .register(registry);
    }
    return new BusListener() {
      @Override
      public void dropped(Drop drop) {
        counters[drop.reason().ordinal()].increment();
        delegate.dropped(drop);
      }

      @Override
      public void handlerFailed(one.flowmade.aether.bus.BusSubscription subscription,
          one.flowmade.aether.bus.BusEvent event, Throwable failure) {
        delegate.handlerFailed(subscription, event, failure);
      }
    };
  }

  /**
   * Registers the bus's counters and gauges.
   *
   * @param registry the registry
   * @param tags the bus's tags
   * @param bus the bus, read when the registry is scraped
   * @return the binding that removes the meters (when the bus closes)
   */
  public static MeterBinding bind(MeterRegistry registry, Map<String, String> tags,
      EventBus bus) {
    Tags t = tags(tags);
    List<Meter> meters = new ArrayList<>();
    meters.add(counter(registry, PUBLISHED, t, bus, BusMetrics::published,
        "Events accepted by publish"));
    meters.add(counter(registry, DELIVERED, t, bus, BusMetrics::delivered,
        "Handler calls made, including calls that threw"));
    meters.add(counter(registry, HANDLER_ERRORS, t, bus, BusMetrics::handlerErrors,
        "Handler calls that threw"));
    meters.add(Gauge.builder(SUBSCRIPTIONS, bus, b -> b.metrics().activeSubscriptions()).tags(t)
        .description("Open subscriptions").register(registry));
    meters.add(Gauge.builder(QUEUE_DEPTH, bus, b -> b.metrics().queueDepth()).tags(t)
        .baseUnit("events").description("Events accepted for subscriptions and not yet handled")
        .register(registry));
    AtomicBoolean unbound = new AtomicBoolean();
    return () -> {
      if (unbound.compareAndSet(false, true)) {
        meters.forEach(registry::remove);
      }
    };
  }

  private static Meter counter(MeterRegistry registry, String name, Tags tags, EventBus bus,
      ToLongFunction<BusMetrics> field, String description) {
    return FunctionCounter.builder(name, bus, b -> field.applyAsLong(b.metrics())).tags(tags)
        .baseUnit("events").description(description).register(registry);
  }

  private static Tags tags(Map<String, String> tags) {
    Tags t = Tags.empty();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      t = t.and(e.getKey(), e.getValue());
    }
    return t;
  }
}
