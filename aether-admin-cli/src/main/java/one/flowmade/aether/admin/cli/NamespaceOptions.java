package one.flowmade.aether.admin.cli;

import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.admin.Provisioner;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The namespace that {@code provision} and {@code verify} work on and the settings its streams
 * and buckets must have (replicas, storage): verify compares with the same settings provision
 * applies.
 */
final class NamespaceOptions {

  /** Storage of the streams and buckets, as the command line spells it. */
  enum Storage {
    file(StorageType.File), memory(StorageType.Memory);

    final StorageType type;

    Storage(StorageType type) {
      this.type = type;
    }
  }

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = {"-n", "--namespace"}, required = true, paramLabel = "NAME",
      converter = NamespaceConverter.class,
      description = "The namespace: 1 to 64 lower-case letters, digits, '-' or '_'.")
  Namespace namespace;

  @Option(names = "--cluster", paramLabel = "NAME",
      description = "The namespace's Aether cluster name, if not the namespace's name.")
  String cluster;

  @Option(names = "--replicas", paramLabel = "N", defaultValue = "1",
      description = "Replicas of every stream and bucket, 1 to 5 (default: ${DEFAULT-VALUE}).")
  int replicas;

  @Option(names = "--storage", paramLabel = "file|memory", defaultValue = "file",
      description = "Storage of every stream and bucket (default: ${DEFAULT-VALUE}).")
  Storage storage;

  @Option(names = "--durable", paramLabel = "NAME[:TYPE,TYPE...]",
      description = {"A durable subscription whose consumer to provision (repeatable): its name"
          + " and the event types it subscribes to, exactly as the application passes them"
          + " (none: every type). E.g. --durable billing:OrderPlaced,OrderPaid. A type that"
          + " contains a comma needs --durable-type."})
  List<String> durables = new ArrayList<>();

  @Option(names = "--durable-type", paramLabel = "NAME=TYPE",
      description = {"One event type of durable subscription NAME (repeatable; declares NAME if"
          + " --durable does not). Everything after the first '=' is the type, verbatim: commas,"
          + " colons, '=' and spaces included (a durable name has none of them). E.g."
          + " --durable-type billing=order.placed,v2 --durable-type billing=order.paid."})
  List<String> durableTypes = new ArrayList<>();

  /**
   * Checks the settings and returns the namespace's resources, before anything is sent.
   *
   * @throws ParameterException if the cluster name, the replicas or a durable are invalid
   */
  NamespaceResources resources() {
    durables();
    if (replicas < 1 || replicas > 5) {
      throw new ParameterException(spec.commandLine(), "--replicas must be 1 to 5, not "
          + replicas);
    }
    try {
      return cluster == null ? NamespaceResources.of(namespace)
          : NamespaceResources.of(namespace, cluster);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /**
   * A provisioner with these settings, on a connection of the namespace's {@link #resources}
   * (which has checked the {@code --durable} values).
   */
  Provisioner provisioner(Connection connection, NamespaceResources resources,
      ServerOptions server) {
    Provisioner.Builder b = Provisioner.builder(connection, resources).replicas(replicas)
        .storage(storage.type).requestTimeout(server.timeout());
    for (String[] d : durables()) {
      b.durable(d[0], Arrays.copyOfRange(d, 1, d.length));
    }
    return b.build();
  }

  /**
   * The durables of {@code --durable} and {@code --durable-type}, each as its name followed by
   * its event types, in the order first given, checked with the rules of a durable subscription.
   *
   * @throws ParameterException if one is invalid, a {@code --durable} name is given twice, or a
   *     durable given as every type ({@code --durable NAME}) also has a {@code --durable-type}
   */
  private List<String[]> durables() {
    Map<String, Set<String>> types = new LinkedHashMap<>();
    Set<String> everyType = new HashSet<>();
    for (String d : durables) {
      int colon = d.indexOf(':');
      String name = colon < 0 ? d : d.substring(0, colon);
      String[] listed = colon < 0 ? new String[0] : d.substring(colon + 1).split(",", -1);
      check("--durable", d, name, listed);
      if (types.putIfAbsent(name, new LinkedHashSet<>(Arrays.asList(listed))) != null) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--durable'"
            + ": durable '" + name + "' is given twice");
      }
      if (listed.length == 0) {
        everyType.add(name);
      }
    }
    for (String d : durableTypes) {
      int eq = d.indexOf('=');
      if (eq < 0) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option"
            + " '--durable-type' ('" + d + "'): expected NAME=TYPE");
      }
      String name = d.substring(0, eq);
      String type = d.substring(eq + 1);
      check("--durable-type", d, name, type);
      if (everyType.contains(name)) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option"
            + " '--durable-type' ('" + d + "'): --durable " + name + " subscribes to every type;"
            + " give its types either way, not both");
      }
      types.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(type);
    }
    List<String[]> out = new ArrayList<>();
    for (Map.Entry<String, Set<String>> e : types.entrySet()) {
      List<String> entry = new ArrayList<>();
      entry.add(e.getKey());
      entry.addAll(e.getValue());
      out.add(entry.toArray(String[]::new));
    }
    return out;
  }

  /** Checks a durable's name and types as {@code SubscriptionOptions} does. */
  private void check(String option, String value, String name, String... types) {
    try {
      SubscriptionOptions.builder().durable(name).eventTypes(types).build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option
          + "' ('" + value + "'): " + e.getMessage());
    }
  }
}
