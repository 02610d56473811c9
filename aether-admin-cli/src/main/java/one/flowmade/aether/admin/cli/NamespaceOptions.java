package one.flowmade.aether.admin.cli;

import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
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
          + " (none: every type). E.g. --durable billing:OrderPlaced,OrderPaid."})
  List<String> durables = new ArrayList<>();

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
   * The {@code --durable} values, each as its name followed by its event types, checked with
   * the rules of a durable subscription.
   *
   * @throws ParameterException if one is invalid or a name is given twice
   */
  private List<String[]> durables() {
    List<String[]> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String d : durables) {
      int colon = d.indexOf(':');
      String name = colon < 0 ? d : d.substring(0, colon);
      String[] types = colon < 0 ? new String[0] : d.substring(colon + 1).split(",", -1);
      try {
        SubscriptionOptions.builder().durable(name).eventTypes(types).build();
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--durable'"
            + " ('" + d + "'): " + e.getMessage());
      }
      if (!names.add(name)) {
        throw new ParameterException(spec.commandLine(), "Invalid value for option '--durable'"
            + ": durable '" + name + "' is given twice");
      }
      String[] entry = new String[types.length + 1];
      entry[0] = name;
      System.arraycopy(types, 0, entry, 1, types.length);
      out.add(entry);
    }
    return out;
  }
}
