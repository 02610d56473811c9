package one.flowmade.aether.cluster.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.cluster.internal.routing.RouterMeters;

/**
 * A router's meters on a Micrometer registry, tagged with the {@code cluster} and the {@code node}
 * (the node's id for {@code node.router()}, {@code -} for a router built on its own): its requests
 * by outcome with their durations, and its retries by reason. The names are listed in {@code
 * docs/operations.md}. Loaded only when a registry was given. Thread-safe.
 */
public final class MicrometerRouterMeters implements RouterMeters {

  static final String REQUESTS = "aether.cluster.router.requests";
  static final String RETRIES = "aether.cluster.router.retries";

  /** The {@code node} tag of a router built with {@code ClusterRouter.builder()}. */
  static final String NO_NODE = "-";

  private final MeterSet meters;
  private final Tags tags;

  MicrometerRouterMeters(MeterSet meters, Tags tags) {
    this.meters = meters;
    this.tags = tags;
  }

  /**
   * Returns the meters of a router that belongs to no node; they stay registered (such a router
   * needs no closing).
   *
   * @param registry a {@link MeterRegistry}, typed {@code Object} so that callers load no
   *     Micrometer class
   * @param clusterName the cluster's name
   * @return the meters
   */
  public static RouterMeters standalone(Object registry, String clusterName) {
    return new MicrometerRouterMeters(new MeterSet((MeterRegistry) registry),
        Tags.of("cluster", clusterName, "node", NO_NODE));
  }

  @Override
  public void retried(String reason) {
    Counter counter = meters.get(RETRIES + '\u0000' + reason, r -> Counter.builder(RETRIES)
        .tags(tags).tag("reason", reason)
        .description("Attempts of routed requests sent again, by what the previous attempt saw")
        .register(r));
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void finished(String outcome, long nanos) {
    Timer timer = meters.get(REQUESTS + '\u0000' + outcome, r -> Timer.builder(REQUESTS)
        .tags(tags).tag("outcome", outcome)
        .description("Routed requests by outcome and how long each took, every attempt and"
            + " backoff included")
        .register(r));
    if (timer != null) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
