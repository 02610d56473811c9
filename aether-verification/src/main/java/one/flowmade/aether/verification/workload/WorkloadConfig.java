package one.flowmade.aether.verification.workload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import one.flowmade.aether.Namespace;

/**
 * What one workload process does, parsed from {@code key=value} arguments.
 *
 * <p>Immutable and thread-safe.
 *
 * @param servers the NATS URLs, comma-separated in the argument
 * @param namespace the namespace whose stream the nodes share
 * @param cluster the Aether cluster's name
 * @param node the cluster node id, the same for every incarnation
 * @param incarnation the incarnation of the node, from 1
 * @param log the history log file
 * @param actors how many shared actors the nodes append to
 * @param workers how many threads append and read
 * @param shards the cluster's shard count
 * @param seed the seed of the process's random choices
 * @param pause the pause between a worker's operations
 * @param hosted whether the node hosts the actors ({@code ActorHost}) and its workers send
 *     commands with command ids ({@code ActorClient}) instead of appending to the store
 */
public record WorkloadConfig(
    List<String> servers,
    Namespace namespace,
    String cluster,
    String node,
    int incarnation,
    Path log,
    int actors,
    int workers,
    int shards,
    long seed,
    Duration pause,
    boolean hosted) {

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a count is not positive
   */
  public WorkloadConfig {
    servers = List.copyOf(servers);
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(log, "log");
    Objects.requireNonNull(pause, "pause");
    if (servers.isEmpty() || incarnation < 1 || actors < 1 || workers < 1 || shards < 1) {
      throw new IllegalArgumentException("servers, incarnation, actors, workers and shards must"
          + " be given and positive");
    }
  }

  /**
   * A configuration of a node that appends to the store itself (not hosted).
   *
   * @param servers the NATS URLs
   * @param namespace the namespace
   * @param cluster the cluster's name
   * @param node the node id
   * @param incarnation the incarnation, from 1
   * @param log the history log file
   * @param actors how many shared actors
   * @param workers how many worker threads
   * @param shards the shard count
   * @param seed the seed
   * @param pause the pause between a worker's operations
   */
  public WorkloadConfig(List<String> servers, Namespace namespace, String cluster, String node,
      int incarnation, Path log, int actors, int workers, int shards, long seed, Duration pause) {
    this(servers, namespace, cluster, node, incarnation, log, actors, workers, shards, seed, pause,
        false);
  }

  /**
   * Returns the label of this process in the history: {@code <node>#<incarnation>}.
   *
   * @return the process label
   */
  public String process() {
    return node + "#" + incarnation;
  }

  /**
   * Returns the arguments that {@link #parse(String...)} turns back into this configuration.
   *
   * @return the arguments
   */
  public List<String> toArguments() {
    return List.of("servers=" + String.join(",", servers), "namespace=" + namespace.name(),
        "cluster=" + cluster, "node=" + node, "incarnation=" + incarnation, "log=" + log,
        "actors=" + actors, "workers=" + workers, "shards=" + shards, "seed=" + seed,
        "pause=" + pause, "hosted=" + hosted);
  }

  /**
   * Parses {@code key=value} arguments; every key of the record is required but {@code hosted}
   * (default false).
   *
   * @param args the arguments
   * @return the configuration
   * @throws IllegalArgumentException if an argument is missing or malformed
   */
  public static WorkloadConfig parse(String... args) {
    Map<String, String> values = keyValues(args);
    return new WorkloadConfig(
        List.of(required(values, "servers").split(",")),
        Namespace.of(required(values, "namespace")),
        required(values, "cluster"),
        required(values, "node"),
        Integer.parseInt(required(values, "incarnation")),
        Path.of(required(values, "log")),
        Integer.parseInt(required(values, "actors")),
        Integer.parseInt(required(values, "workers")),
        Integer.parseInt(required(values, "shards")),
        Long.parseLong(required(values, "seed")),
        Duration.parse(required(values, "pause")),
        flag(values.getOrDefault("hosted", "false")));
  }

  /** Splits {@code key=value} arguments; a later key replaces an earlier one. */
  static Map<String, String> keyValues(String... args) {
    Map<String, String> values = new HashMap<>();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("argument '" + arg + "' is not key=value");
      }
      values.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    return values;
  }

  private static boolean flag(String value) {
    if (!value.equals("true") && !value.equals("false")) {
      throw new IllegalArgumentException("hosted must be true or false, was '" + value + "'");
    }
    return value.equals("true");
  }

  private static String required(Map<String, String> values, String key) {
    String value = values.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing argument " + key + "=...");
    }
    return value;
  }
}
