package one.flowmade.aether.projection;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.StreamAdoption;
import org.jspecify.annotations.Nullable;

/**
 * Checkpoints in a NATS KV bucket of the namespace, {@code aether-projections-<namespace>}: needs
 * no database. Every write is a compare-and-set on the key's revision, so a claim by another
 * instance fences this one (its next commit fails with {@link CheckpointFencedException}).
 *
 * <p>Parked events ({@link ErrorPolicy#park()}) are kept in the same bucket under {@code
 * parked.<encoded key>.<position>} (checkpoint keys never contain a dot), one entry each.
 *
 * <p>Effects of handlers are not part of the commit: delivery is at least once, and handlers
 * make their effects idempotent with the event id or position ({@link ProjectionContext}).
 *
 * <p>Thread-safe. Methods block for one or two KV requests. A server that does not answer
 * (timeout, disconnect) or cannot serve now is an {@link AetherTransientException}; a request the
 * NATS user may not make is a {@link PermissionDeniedException}; any other refusal (a bucket
 * configured so that it refuses the write, such as a too small maximum value size; a bad request)
 * is an {@link AetherNonTransientException} naming the server's error codes: retrying cannot cure
 * it.
 */
public final class KvCheckpointStore extends KvBucketCheckpoints {
  private static final int STREAM_NOT_FOUND = 10059;
  private final String bucket;

  private KvCheckpointStore(Connection connection, KeyValue kv, String bucket) {
    super(new KvCheckpoints(connection, kv, bucket, "", "parked."));
    this.bucket = bucket;
  }

  /**
   * Opens the namespace's checkpoint bucket, creating it (file storage, the given replicas) if
   * it does not exist. An existing bucket is checked and never changed.
   *
   * @param connection an open connection; not closed by this store
   * @param namespace the namespace whose projections keep checkpoints here
   * @param replicas the bucket's replicas when created (1 or 3)
   * @return the store
   * @throws AetherTransientException if the server could not be reached
   * @throws one.flowmade.aether.UnsafeStreamException if the bucket exists with a configuration
   *     that could leak or forge (its stream has sources, a mirror, republish, a subject
   *     transform, subjects other than {@code $KV.aether-projections-<namespace>.>}, or {@code
   *     mirror_direct}); nothing is changed (see {@code docs/security.md}, Adoption check)
   */
  public static KvCheckpointStore open(Connection connection, Namespace namespace, int replicas) {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(namespace, "namespace");
    if (replicas < 1 || replicas > 5) {
      throw new IllegalArgumentException("replicas must be 1 to 5, was " + replicas);
    }
    String bucket = bucketName(namespace);
    KeyValueConfiguration required = AetherStreams.checkpointBucket(namespace, replicas);
    try {
      KeyValueManagement kvm = connection.keyValueManagement();
      // Asks for this bucket only: listing bucket names needs $JS.API.STREAM.NAMES, which the
      // application role does not have (it would reveal other namespaces' names).
      KeyValueStatus status = status(kvm, bucket);
      if (status == null) {
        try {
          status = kvm.create(required);
        } catch (JetStreamApiException raced) {
          // created by another instance meanwhile: use it
          status = kvm.getStatus(bucket);
        }
      }
      StreamAdoption.check(status.getBackingStreamInfo().getConfiguration(),
          required.getBackingConfig(), "the checkpoint store of namespace '" + namespace.name()
              + "'");
      return new KvCheckpointStore(connection, connection.keyValue(bucket), bucket);
    } catch (IOException | JetStreamApiException e) {
      throw new AetherTransientException("could not open checkpoint bucket " + bucket, e);
    }
  }

  /** Returns the bucket's status, or null if it does not exist. */
  static @Nullable KeyValueStatus status(KeyValueManagement kvm, String bucket)
      throws IOException, JetStreamApiException {
    try {
      return kvm.getStatus(bucket);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == STREAM_NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Opens the namespace's checkpoint bucket with one replica.
   *
   * @param connection an open connection; not closed by this store
   * @param namespace the namespace
   * @return the store
   */
  public static KvCheckpointStore open(Connection connection, Namespace namespace) {
    return open(connection, namespace, 1);
  }

  /**
   * Returns the bucket name used for a namespace.
   *
   * @param namespace the namespace
   * @return {@code aether-projections-<namespace>}
   */
  public static String bucketName(Namespace namespace) {
    return "aether-projections-" + namespace.name();
  }

  /**
   * Returns the bucket this store writes.
   *
   * @return the bucket name
   */
  public String bucket() {
    return bucket;
  }

  @Override
  public Transaction begin(String key, long epoch) {
    Objects.requireNonNull(key, "key");
    return new Transaction() {
      @Override
      public void commit(long position) {
        checkpoints.commit(key, epoch, position);
      }

      @Override
      public void close() {}
    };
  }
}
