package one.flowmade.aether.cluster.actor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * An {@link ActorClient}'s meters on a Micrometer registry (loaded only when a registry is
 * given): the commands it sent by outcome, with the time from the call to the outcome, and the
 * resends after a "moved" reply. Tags are the actor type and an outcome, never an actor id; the
 * names are listed in {@code docs/operations.md}. Thread-safe.
 */
final class ClientMeters {

  static final String SENDS = "aether.actor.client.sends";
  static final String RESENDS = "aether.actor.client.resends";

  private final MeterRegistry registry;
  private final Map<String, Timer> sends = new ConcurrentHashMap<>();
  private final Map<String, Counter> resends = new ConcurrentHashMap<>();

  ClientMeters(MeterRegistry registry) {
    this.registry = registry;
  }

  /** A command's outcome: a reply's status lower-cased, or {@code timeout} or {@code failure}. */
  void sent(String type, String outcome, long nanos) {
    sends.computeIfAbsent(type + '\u0000' + outcome, k -> Timer.builder(SENDS)
            .tag("type", type).tag("outcome", outcome)
            .description("Commands sent to hosted actors, by outcome, and how long each took from"
                + " the call to its outcome, resends included")
            .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** A command sent again because a node answered that it does not own the actor's shard. */
  void resent(String type) {
    resends.computeIfAbsent(type, k -> Counter.builder(RESENDS).tag("type", type)
            .description("Commands sent again after a node answered \"moved\" (it does not own"
                + " the actor's shard, nothing appended)")
            .register(registry))
        .increment();
  }
}
