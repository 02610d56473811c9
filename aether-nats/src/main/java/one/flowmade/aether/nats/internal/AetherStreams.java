package one.flowmade.aether.nats.internal;

import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.Republish;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The configuration of every stream and key-value bucket Aether uses, written once: the stores,
 * the cluster and the checkpoint store create them from here, {@link StreamAdoption} checks
 * existing ones against it, and {@code aether-admin}'s provisioner creates and verifies them from
 * it. Each method returns the configuration with Aether's defaults (one replica, file storage);
 * callers apply the settings their builders allow. Not instantiable.
 */
public final class AetherStreams {

  /** Replicas of a stream or bucket when nothing else is configured. */
  public static final int DEFAULT_REPLICAS = 1;
  /** Storage of a stream or bucket when nothing else is configured. */
  public static final StorageType DEFAULT_STORAGE = StorageType.File;
  /** The event stream's duplicate window when nothing else is configured. */
  public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
  /** How long the cluster bucket's delete markers (of expired and deleted keys) stay. */
  public static final Duration CLUSTER_MARKER_TTL = Duration.ofMinutes(10);

  /** What {@link SubjectLayout#streamName} puts before the namespace. */
  private static final String EVENT_STREAM = "AETHER_";
  private static final String SNAPSHOT_STREAM = "AETHERSNAP_";
  private static final String CLUSTER_BUCKET = "aether-cluster-";
  private static final String CHECKPOINT_BUCKET = "aether-projections-";

  private AetherStreams() {}

  /**
   * Returns the event stream of a namespace: {@code AETHER_<ns>} on {@code aether.ev.<ns>.>},
   * limits retention, every event kept, atomic batch publish, direct gets allowed (batched actor
   * reads; an older stream without them is read from the leader), republishing every stored
   * event to the namespace's bus subjects.
   *
   * @param namespace the namespace
   * @return the configuration
   */
  public static StreamConfiguration events(Namespace namespace) {
    return base(SubjectLayout.streamName(namespace), SubjectLayout.allEvents(namespace),
        "Aether events of namespace '" + namespace.name() + "'")
        .maxMessagesPerSubject(-1)
        .allowAtomicPublish(true)
        .republish(Republish.builder().source(SubjectLayout.allEvents(namespace))
            .destination(SubjectLayout.allBusEvents(namespace)).build())
        .build();
  }

  /**
   * Returns the name of a namespace's snapshot stream.
   *
   * @param namespace the namespace
   * @return {@code AETHERSNAP_<ns>}
   */
  public static String snapshotStreamName(Namespace namespace) {
    return SNAPSHOT_STREAM + namespace.name();
  }

  /**
   * Returns the subject prefix of a namespace's snapshots.
   *
   * @param namespace the namespace
   * @return {@code aether.snap.<ns>.}
   */
  public static String snapshotSubjectPrefix(Namespace namespace) {
    return SubjectLayout.ROOT + ".snap." + namespace.name() + ".";
  }

  /**
   * Returns the snapshot stream of a namespace: {@code AETHERSNAP_<ns>} on {@code
   * aether.snap.<ns>.*}, one message per subject, direct gets allowed.
   *
   * @param namespace the namespace
   * @return the configuration
   */
  public static StreamConfiguration snapshots(Namespace namespace) {
    return base(snapshotStreamName(namespace), snapshotSubjectPrefix(namespace) + "*",
        "Aether snapshots of namespace '" + namespace.name() + "'")
        .maxMessagesPerSubject(1)
        .build();
  }

  /**
   * Returns the name of an Aether cluster's bucket.
   *
   * @param clusterName the cluster's name
   * @return {@code aether-cluster-<cluster>}
   */
  public static String clusterBucketName(String clusterName) {
    return CLUSTER_BUCKET + Objects.requireNonNull(clusterName, "clusterName");
  }

  /**
   * Returns the stream behind an Aether cluster's key-value bucket: one value per key, per-key
   * TTLs with limit markers ({@link #CLUSTER_MARKER_TTL}), no direct gets (the protocol reads
   * from the stream leader).
   *
   * @param clusterName the cluster's name
   * @param replicas the replicas
   * @return the configuration of {@code KV_aether-cluster-<cluster>}
   */
  public static StreamConfiguration clusterBucket(String clusterName, int replicas) {
    KeyValueConfiguration kvc = KeyValueConfiguration.builder()
        .name(clusterBucketName(clusterName))
        .description("Aether cluster " + clusterName
            + ": membership, leader lease, shard assignment")
        .maxHistoryPerKey(1)
        .storageType(DEFAULT_STORAGE)
        .replicas(replicas)
        .limitMarker(CLUSTER_MARKER_TTL)
        .build();
    return StreamConfiguration.builder(kvc.getBackingConfig()).allowDirect(false).build();
  }

  /**
   * Returns the name of a namespace's projection checkpoint bucket.
   *
   * @param namespace the namespace
   * @return {@code aether-projections-<ns>}
   */
  public static String checkpointBucketName(Namespace namespace) {
    return CHECKPOINT_BUCKET + namespace.name();
  }

  /**
   * Returns a namespace's projection checkpoint bucket: one value per key, file storage.
   *
   * @param namespace the namespace
   * @param replicas the replicas
   * @return the bucket's configuration; its stream is {@code KV_aether-projections-<ns>}
   */
  public static KeyValueConfiguration checkpointBucket(Namespace namespace, int replicas) {
    return KeyValueConfiguration.builder().name(checkpointBucketName(namespace))
        .maxHistoryPerKey(1).storageType(DEFAULT_STORAGE).replicas(replicas).build();
  }

  /**
   * Returns the namespace (or, for a cluster bucket, the cluster) a stream of Aether's belongs to.
   *
   * @param stream a stream name
   * @return the namespace or cluster name, or empty if the stream is not one of Aether's
   */
  public static Optional<String> namespaceOf(String stream) {
    for (String prefix : new String[] {SNAPSHOT_STREAM, EVENT_STREAM, "KV_" + CLUSTER_BUCKET,
        "KV_" + CHECKPOINT_BUCKET}) {
      if (stream.startsWith(prefix) && stream.length() > prefix.length()) {
        return Optional.of(stream.substring(prefix.length()));
      }
    }
    return Optional.empty();
  }

  private static StreamConfiguration.Builder base(String name, String subject,
      String description) {
    return StreamConfiguration.builder()
        .name(name)
        .description(description)
        .subjects(subject)
        .retentionPolicy(RetentionPolicy.Limits)
        .storageType(DEFAULT_STORAGE)
        .replicas(DEFAULT_REPLICAS)
        .duplicateWindow(DEFAULT_DUPLICATE_WINDOW)
        .allowDirect(true);
  }
}
