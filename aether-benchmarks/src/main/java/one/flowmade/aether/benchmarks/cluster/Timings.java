package one.flowmade.aether.benchmarks.cluster;

import java.time.Duration;

/**
 * Cluster timings a scenario runs with: the defaults of {@code ClusterNode.Builder}, or short ones
 * that show what the protocol allows.
 *
 * @param name how the report calls them
 * @param defaults whether to leave every timing at the node's default
 * @param leaseTtl the leader lease (and membership) TTL
 * @param renew the renewal (and heartbeat) interval
 * @param margin the safety margin
 */
public record Timings(String name, boolean defaults, Duration leaseTtl, Duration renew,
    Duration margin) {

  /** {@code ClusterNode}'s defaults: 15 s lease and membership TTL, 3 s renewal, 2 s margin. */
  public static final Timings DEFAULTS = new Timings("default timings", true,
      Duration.ofSeconds(15), Duration.ofSeconds(3), Duration.ofSeconds(2));
  /** The shortest timings NATS allows (TTLs are whole seconds): 2 s TTL, 0.5 s renewal. */
  public static final Timings FAST = new Timings("fast timings (2 s TTL, 0.5 s renewal)", false,
      Duration.ofSeconds(2), Duration.ofMillis(500), Duration.ofMillis(500));

  /**
   * Returns the name used on the child's command line.
   *
   * @return {@code default} or {@code fast}
   */
  public String key() {
    return defaults ? "default" : "fast";
  }

  /**
   * Returns the timings for a command-line key.
   *
   * @param key {@code default} or {@code fast}
   * @return the timings
   */
  public static Timings of(String key) {
    return "default".equals(key) ? DEFAULTS : FAST;
  }
}
