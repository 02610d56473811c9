package one.flowmade.aether.cluster.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The checks of the cluster builders' values (names, durations, how timings fit together), with
 * messages that name the value and the rule. Stateless and thread-safe.
 */
public final class SettingsChecks {

  /** The longest cluster name or node id. */
  public static final int MAX_NAME_LENGTH = 64;

  private static final Pattern CLUSTER_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");
  private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9._-]+");

  private SettingsChecks() {}

  /**
   * Checks a cluster name.
   *
   * @param clusterName the name
   * @throws IllegalArgumentException if it is not 1 to 64 lower-case letters, digits, '-' or '_',
   *     starting with a letter or a digit
   * @throws NullPointerException if it is null
   */
  public static void checkClusterName(String clusterName) {
    Objects.requireNonNull(clusterName, "clusterName");
    if (clusterName.isEmpty() || clusterName.length() > MAX_NAME_LENGTH
        || !CLUSTER_NAME.matcher(clusterName).matches()) {
      throw new IllegalArgumentException("cluster name '" + clusterName + "' must be 1 to "
          + MAX_NAME_LENGTH + " lower-case letters, digits, '-' or '_', starting with a"
          + " letter or a digit");
    }
  }

  /**
   * Checks a node id.
   *
   * @param nodeId the id
   * @throws IllegalArgumentException if it is not 1 to 64 ASCII letters, digits, '.', '-' or '_'
   * @throws NullPointerException if it is null
   */
  public static void checkNodeId(String nodeId) {
    Objects.requireNonNull(nodeId, "nodeId");
    if (nodeId.isEmpty() || nodeId.length() > MAX_NAME_LENGTH
        || !NODE_ID.matcher(nodeId).matches()) {
      throw new IllegalArgumentException("node id '" + nodeId + "' must be 1 to "
          + MAX_NAME_LENGTH + " ASCII letters, digits, '.', '-' or '_'");
    }
  }

  /**
   * Checks that a duration is positive.
   *
   * @param name the setting, for the message
   * @param value the duration
   * @throws IllegalArgumentException if it is zero or negative
   * @throws NullPointerException if it is null
   */
  public static void checkPositive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }

  /**
   * Checks a key TTL: positive and a whole number of seconds, as NATS per-message TTLs are.
   *
   * @param name the setting, for the message
   * @param value the TTL
   * @throws IllegalArgumentException if it is not a whole number of seconds of at least 1 s
   * @throws NullPointerException if it is null
   */
  public static void checkTtl(String name, Duration value) {
    checkPositive(name, value);
    if (value.getNano() != 0 || value.getSeconds() < 1) {
      throw new IllegalArgumentException(name + " must be a whole number of seconds (NATS"
          + " per-message TTLs are), at least 1 s, was " + value);
    }
  }

  /**
   * Checks that a lease can be renewed twice before the node stops acting on it.
   *
   * @param what the lease, for the message
   * @param ttl the key's TTL
   * @param margin the safety margin
   * @param interval the renewal interval
   * @param intervalName the interval's setting, for the message
   * @throws IllegalStateException if {@code ttl - margin < 2 * interval}
   */
  public static void checkFits(String what, Duration ttl, Duration margin, Duration interval,
      String intervalName) {
    Duration usable = ttl.minus(margin);
    if (usable.compareTo(interval.multipliedBy(2)) < 0) {
      throw new IllegalStateException("the " + what + " must be renewable twice before a node"
          + " stops acting on it: ttl " + ttl + " - safetyMargin " + margin + " = " + usable
          + " is less than twice " + intervalName + " " + interval);
    }
  }
}
