package one.flowmade.aether.cluster.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.internal.routing.RouterMeters;

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

  private final MeterSet meters;
  private final Tags tags;
  private final Counter rebalances;
  private final RouterMeters router;

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
    this.meters = new MeterSet(registry);
    this.tags = Tags.of("cluster", clusterName, "node", nodeId);
    meters.add(r -> Gauge.builder(LEADER, () -> leader.getAsBoolean() ? 1 : 0).tags(tags)
        .description("1 while this node is the cluster's leader, else 0").register(r));
    meters.add(r -> Gauge.builder(MEMBERS, members::getAsInt).tags(tags)
        .description("Members this node sees, itself included").register(r));
    meters.add(r -> Gauge.builder(SHARDS, shards::getAsInt).tags(tags)
        .description("Shards this node owns now").register(r));
    rebalances = meters.add(r -> Counter.builder(REBALANCES).tags(tags)
        .description("Shard assignments (new epochs) this node applied").register(r));
    router = new MicrometerRouterMeters(meters, tags);
  }

  @Override
  public RouterMeters router() {
    return router;
  }

  @Override
  public void assignmentApplied() {
    if (!meters.isRemoved()) {
      rebalances.increment();
    }
  }

  @Override
  public void released(ReleaseReason reason, long nanos) {
    String tag = reason.name().toLowerCase(Locale.ROOT);
    Timer timer = meters.get(HANDOFFS + '\u0000' + tag, r -> Timer.builder(HANDOFFS).tags(tags)
        .tag("reason", tag)
        .description("Shards this node released and how long each release took (waiting"
            + " for its running handlers, stopping serving it, the shard listener)")
        .register(r));
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public void renewalFailed(String lease) {
    Counter counter = meters.get(RENEWAL_FAILURES + '\u0000' + lease, r -> Counter
        .builder(RENEWAL_FAILURES).tags(tags).tag("lease", lease)
        .description("Renewals of this node's membership or leader lease that NATS did not"
            + " answer (each is retried)")
        .register(r));
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void remove() {
    meters.remove();
  }
}
