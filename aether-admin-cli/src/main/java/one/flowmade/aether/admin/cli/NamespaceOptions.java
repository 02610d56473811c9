package one.flowmade.aether.admin.cli;

import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import one.flowmade.aether.Namespace;
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

  /**
   * Checks the settings and returns the namespace's resources, before anything is sent.
   *
   * @throws ParameterException if the cluster name or the replicas are invalid
   */
  NamespaceResources resources() {
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

  /** A provisioner with these settings, on a connection of the namespace's {@link #resources}. */
  Provisioner provisioner(Connection connection, NamespaceResources resources,
      ServerOptions server) {
    return Provisioner.builder(connection, resources).replicas(replicas).storage(storage.type)
        .requestTimeout(server.timeout()).build();
  }
}
