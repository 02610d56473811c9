package one.flowmade.aether.projection;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A running projection's Micrometer meters, named and tagged as {@code docs/operations.md} lists
 * them. Every meter reads what the projection's thread records anyway (no store is asked when a
 * registry reads them), so reading is cheap and never blocks. Only this class touches Micrometer
 * beyond the registry's type, and it is loaded only when a registry was given. Thread-safe.
 */
final class ProjectionMeters implements AutoCloseable {

  static final String POSITION = "aether.projection.position";
  static final String LAG_EVENTS = "aether.projection.lag.events";
  static final String LAG_SECONDS = "aether.projection.lag.seconds";
  static final String EVENTS = "aether.projection.events";
  static final String SKIPPED = "aether.projection.skipped";
  static final String PARKED = "aether.projection.parked";
  static final String STATE = "aether.projection.state";

  private final MeterRegistry registry;
  private final List<Meter> meters;

  private ProjectionMeters(MeterRegistry registry, List<Meter> meters) {
    this.registry = registry;
    this.meters = meters;
  }

  /** Registers the meters of a projection that starts now. */
  static ProjectionMeters register(MeterRegistry registry, ProjectionRuntime rt) {
    Tags tags = Tags.of("namespace", rt.store.namespace().name(), "name", rt.key);
    ProjectionProgress p = rt.progress;
    List<Meter> meters = new ArrayList<>();
    meters.add(Gauge.builder(POSITION, p, ProjectionProgress::position).tags(tags)
        .description("Position of the last event of the last committed unit of work")
        .register(registry));
    meters.add(Gauge.builder(LAG_EVENTS, rt, ProjectionMeters::lagEvents).tags(tags)
        .baseUnit("events")
        .description("Events stored after the committed position, by the namespace's last"
            + " position as last learned; 0 once live with nothing queued")
        .register(registry));
    meters.add(Gauge.builder(LAG_SECONDS, rt, ProjectionMeters::lagSeconds).tags(tags)
        .baseUnit("seconds")
        .description("Age of the last applied event while events are pending; 0 once live with"
            + " nothing queued")
        .register(registry));
    meters.add(FunctionCounter.builder(EVENTS, p, ProjectionProgress::applied).tags(tags)
        .baseUnit("events").description("Events applied and committed").register(registry));
    meters.add(FunctionCounter.builder(SKIPPED, p, ProjectionProgress::skipped).tags(tags)
        .baseUnit("events").description("Events skipped by the error policy")
        .register(registry));
    meters.add(FunctionCounter.builder(PARKED, p, ProjectionProgress::parked).tags(tags)
        .baseUnit("events").description("Events parked by the error policy").register(registry));
    for (ProjectionState s : ProjectionState.values()) {
      meters.add(Gauge.builder(STATE, p, q -> q.state() == s ? 1 : 0)
          .tags(tags.and("state", s.name().toLowerCase(Locale.ROOT)))
          .description("1 for the projection's current state, 0 for the others")
          .register(registry));
    }
    return new ProjectionMeters(registry, meters);
  }

  private static boolean idle(ProjectionRuntime rt) {
    return rt.progress.state() == ProjectionState.LIVE && rt.queue.isEmpty();
  }

  private static double lagEvents(ProjectionRuntime rt) {
    return idle(rt) ? 0 : rt.progress.knownLag();
  }

  private static double lagSeconds(ProjectionRuntime rt) {
    return idle(rt) ? 0 : rt.progress.lagTime().toNanos() / 1e9;
  }

  /** Removes the meters from the registry. */
  @Override
  public void close() {
    for (Meter m : meters) {
      registry.remove(m);
    }
  }
}
