package one.flowmade.aether.admin.cli;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.admin.NamespaceResources;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.ProjectionInfo;
import one.flowmade.aether.projection.Projections;

/**
 * A namespace's KV checkpoint store and event store on one connection, for the {@code
 * projections} commands. Opening creates nothing: a namespace without its event stream or its
 * checkpoint bucket is refused, where the stores would create them. Not thread-safe; one per
 * command run.
 */
final class CheckpointAccess implements AutoCloseable {
  private static final int STREAM_NOT_FOUND = 10059;

  private final Connection connection;
  private final JetStreamEventStore events;
  private final KvCheckpointStore checkpoints;
  private final Projections projections;

  private CheckpointAccess(Connection connection, JetStreamEventStore events,
      KvCheckpointStore checkpoints) {
    this.connection = connection;
    this.events = events;
    this.checkpoints = checkpoints;
    this.projections = Projections.of(checkpoints, events);
  }

  /**
   * Connects and opens both stores. Blocks for a few requests, each bounded by the timeout.
   *
   * @throws IllegalStateException if the namespace has no event stream or no checkpoint bucket
   * @throws AetherTransientException if the server cannot be reached or does not answer
   */
  static CheckpointAccess open(Namespace namespace, ServerOptions server, PrintWriter err,
      boolean verbose) {
    NamespaceResources resources = NamespaceResources.of(namespace);
    Duration timeout = server.timeout();
    Connection c = server.connect(resources, err, verbose);
    try {
      JetStreamManagement jsm;
      try {
        jsm = c.jetStreamManagement(JetStreamOptions.builder().requestTimeout(timeout).build());
      } catch (IOException e) {
        throw new AetherTransientException("cannot reach JetStream: " + e.getMessage(), e);
      }
      require(jsm, resources.eventStream(), "namespace '" + namespace.name() + "' has no event"
          + " stream " + resources.eventStream() + ": it is not provisioned (aether-admin provision"
          + " --apply) or the name is misspelt");
      require(jsm, resources.checkpointBucketStream(), "namespace '" + namespace.name()
          + "' has no checkpoint bucket " + resources.checkpointBucket() + ": no projection with"
          + " KV checkpoints has run in it, and it is not provisioned (aether-admin provision"
          + " --apply)");
      JetStreamEventStore events = JetStreamEventStore.builder(c, namespace)
          .requestTimeout(timeout).build();
      try {
        return new CheckpointAccess(c, events, KvCheckpointStore.open(c, namespace));
      } catch (RuntimeException e) {
        events.close();
        throw e;
      }
    } catch (RuntimeException e) {
      closeQuietly(c);
      throw e;
    }
  }

  private static void require(JetStreamManagement jsm, String stream, String missing) {
    try {
      jsm.getStreamInfo(stream);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        throw new IllegalStateException(missing);
      }
      throw new AetherNonTransientException("cannot read stream " + stream + ": "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new AetherTransientException("no answer for stream " + stream + " (" + e.getMessage()
          + "); check that the user may read the namespace (its application role)", e);
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The operator's entry on the two stores. */
  Projections projections() {
    return projections;
  }

  /** The checkpoint bucket's name, for messages. */
  String bucket() {
    return checkpoints.bucket();
  }

  /** The namespace's last position, 0 when it holds no event. */
  long lastPosition() {
    return events.lastPosition();
  }

  /**
   * The projection of checkpoint key {@code key}.
   *
   * @throws IllegalArgumentException if the bucket holds no checkpoint of that key; the message
   *     lists the keys it holds, and a partitioned projection's keys by name
   */
  ProjectionInfo require(String key) {
    return projections.info(key).orElseThrow(() -> {
      List<String> held = new ArrayList<>();
      List<String> partitions = new ArrayList<>();
      for (ProjectionInfo p : projections.list()) {
        held.add(p.key());
        if (p.key().matches(Pattern.quote(key) + "-p[0-9]+of[0-9]+")) {
          partitions.add(p.key());
        }
      }
      String hint = !partitions.isEmpty()
          ? "; '" + key + "' is partitioned, give each partition's key: "
              + String.join(", ", partitions)
          : held.isEmpty() ? "; it holds none" : "; it holds: " + String.join(", ", held);
      return new IllegalArgumentException("no projection '" + key + "' in checkpoint bucket "
          + checkpoints.bucket() + hint);
    });
  }

  @Override
  public void close() {
    events.close();
    closeQuietly(connection);
  }
}
