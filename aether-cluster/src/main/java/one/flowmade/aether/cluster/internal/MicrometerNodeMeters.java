package one.flowmade.aether.cluster.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import one.flowmade.aether.cluster.ReleaseReason;

/**
 * A cluster node's meters on a Micrometer registry, tagged with the {@code cluster} and the
 * {@code node}; the names are listed in {@code docs/operations.md}. Thread-safe.
 */
public final class MicrometerNodeMeters implements NodeMeters {

  static final String LEADER = "aether.cluster.leader";
  static final String MEMBERS = "aether.cluster.members";
  static final String SHARDS = "aether.cluster.shards.owned";
  static final String REBALANCES = "aether.cluster.rebalances";
  static final String HANDOFFS = "aether.cluster.handoffs";
  static final String RENEWAL_FAILURES = "aether.cluster.lease.renewal.failures";

  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final Map<String, Meter> byKey = new ConcurrentHashMap<>();
  private final Counter rebalances;
  private volatile boolean removed;

  /**
   * Registers the node's gauges and its rebalance counter.
   *
   * @param registry the registry
   * @param clusterName the cluster's name
   * @param nodeId the node's id
   * @param leader whether the node is the leader now
   * @param members how many members the node sees now
   * @param shards how many shards the node owns now
   */
  public MicrometerNodeMeters(MeterRegistry registry, String clusterName, String nodeId,
      BooleanSupplier leader, IntSupplier members, IntSupplier shards) {
    this.registry = registry;
    this.tags = Tags.of("cluster", clusterName, "node", nodeId);
    meters.add(Gauge.builder(LEADER, () -> leader.getAsBoolean() ? 1 : 0).tags(tags)
        .description("1 while this node is the cluster's leader, else 0").register(registry));
    meters.add(Gauge.builder(MEMBERS, members::getAsInt).tags(tags)
        .description("Members this node sees, itself included").register(registry));
    meters.add(Gauge.builder(SHARDS, shards::getAsInt).tags(tags)
        .description("Shards this node owns now").register(registry));
    rebalances = Counter.builder(REBALANCES).tags(tags)
        .description("Shard assignments (new epochs) this node applied").register(registry);
    meters.add(rebalances);
  }

  @Override
  public void assignmentApplied() {
    if (!removed) {
      rebalances.increment();
    }
  }

  @Override
  public void released(ReleaseReason reason, long nanos) {
    if (removed) {
      return;
    }
    String tag = reason.name().toLowerCase(Locale.ROOT);
    ((Timer) byKey.computeIfAbsent(HANDOFFS + '\u0000' + tag, k -> track(
        Timer.builder(HANDOFFS).tags(tags).tag("reason", tag)
            .description("Shards this node released and how long each release took (waiting"
                + " for its running handlers, stopping serving it, the shard listener)")
            .register(registry)))).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void renewalFailed(String lease) {
    if (removed) {
      return;
    }
    ((Counter) byKey.computeIfAbsent(RENEWAL_FAILURES + '\u0000' + lease, k -> track(
        Counter.builder(RENEWAL_FAILURES).tags(tags).tag("lease", lease)
            .description("Renewals of this node's membership or leader lease that NATS did not"
                + " answer (each is retried)")
            .register(registry)))).increment();
  }

  private Meter track(Meter meter) {
    meters.add(meter);
    return meter;
  }

  @Override
  public void remove() {
    removed = true;
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
    byKey.clear();
  }
}
