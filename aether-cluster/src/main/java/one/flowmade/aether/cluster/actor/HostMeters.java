package one.flowmade.aether.cluster.actor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import one.flowmade.aether.cluster.internal.MeterSet;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ActorHost}'s meters on a Micrometer registry (loaded only when a registry is given).
 * Tags are the actor type, an outcome or a cause: never an actor id. The names are listed in
 * {@code docs/operations.md}. Thread-safe.
 */
final class HostMeters {

  static final String COMMANDS = "aether.actor.commands";
  static final String PENDING = "aether.actor.commands.pending";
  static final String CACHED = "aether.actor.cached";
  static final String PASSIVATIONS = "aether.actor.passivations";
  static final String PASSIVATION_SNAPSHOTS = "aether.actor.passivation.snapshots";

  private final MeterSet meters;

  HostMeters(MeterRegistry registry, ActorHost host) {
    this.meters = new MeterSet(registry);
    meters.add(r -> Gauge.builder(PENDING, host, ActorHost::pendingCommands)
        .description("Commands waiting for their actor's turn or running on this node")
        .register(r));
  }

  /** Registers the gauge of one type's cached actors. */
  void cached(String type, Supplier<Number> size) {
    meters.add(r -> Gauge.builder(CACHED, size).tag("type", type)
        .description("Actors of the type cached on this node").register(r));
  }

  /** A command's outcome (the reply's status, lower-cased) and how long it took here. */
  void command(String type, String status, long nanos) {
    String outcome = status.toLowerCase(Locale.ROOT);
    Timer timer = meters.get(COMMANDS + '\u0000' + type + '\u0000' + outcome,
        r -> Timer.builder(COMMANDS).tag("type", type).tag("outcome", outcome)
            .description("Hosted commands run on this node, by outcome, and how long each took"
                + " from arrival to reply")
            .register(r));
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Cached actors that left the cache: {@code idle}, {@code size} or {@code release}. */
  void passivated(String type, String cause, long count) {
    Counter counter = counter(PASSIVATIONS, type, "cause", cause,
        "Cached actors evicted (idle, size) or dropped at a shard's release");
    if (counter != null) {
      counter.increment(count);
    }
  }

  /** A snapshot taken at eviction: {@code saved} or {@code failed}. */
  void passivationSnapshot(String type, String outcome) {
    Counter counter = counter(PASSIVATION_SNAPSHOTS, type, "outcome", outcome,
        "Snapshots of evicted actors saved, or attempted and failed");
    if (counter != null) {
      counter.increment();
    }
  }

  /** The counter of a name, type and tag value; null once the meters were removed. */
  private @Nullable Counter counter(String name, String type, String tag, String value,
      String description) {
    return meters.get(name + '\u0000' + type + '\u0000' + value,
        r -> Counter.builder(name).tag("type", type).tag(tag, value)
            .description(description).register(r));
  }

  /** Removes every meter from the registry. */
  void remove() {
    meters.remove();
  }
}
