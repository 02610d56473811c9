package one.flowmade.aether.nats.internal;

import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.Republish;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The configuration of every stream and key-value bucket Aether uses, written once: the stores,
 * the cluster and the checkpoint store create them from here, and so does a durable
 * subscription its consumer ({@link #durable}), {@link StreamAdoption} checks
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

  /** What a durable subscription's consumer name puts before the subscription's name. */
  public static final String DURABLE_PREFIX = "aether-sub-";
  /** How long a durable subscription's delivered event may stay unacknowledged. */
  public static final Duration DURABLE_ACK_WAIT = Duration.ofSeconds(30);
  /** How many delivered events of a durable subscription may be unacknowledged at once. */
  public static final int DURABLE_MAX_ACK_PENDING = 1024;

  private AetherStreams() {}

  /**
   * Returns the name of a durable subscription's consumer on the event stream.
   *
   * @param durableName the subscription's durable name
   * @return {@code aether-sub-<name>}
   */
  public static String durableConsumerName(String durableName) {
    return DURABLE_PREFIX + Objects.requireNonNull(durableName, "durableName");
  }

  /**
   * Returns the filter subjects of a subscription: the namespace's event subjects of each type,
   * sorted, or all its event subjects when no type is given.
   *
   * @param namespace the namespace
   * @param eventTypes the event types; empty for every type
   * @return the filter subjects
   */
  public static List<String> filters(Namespace namespace, Collection<String> eventTypes) {
    if (eventTypes.isEmpty()) {
      return List.of(SubjectLayout.allEvents(namespace));
    }
    return new TreeSet<>(eventTypes).stream()
        .map(type -> SubjectLayout.typeEvents(namespace, type)).toList();
  }

  /**
   * Returns the consumer of a durable subscription: a pull consumer on the event stream named
   * {@link #durableConsumerName}, filtered on the subscription's event types, explicit acks
   * ({@link #DURABLE_ACK_WAIT}, at most {@link #DURABLE_MAX_ACK_PENDING} pending), starting at
   * {@code startSequence}. The subscription creates it when it is missing; aether-admin's
   * provisioner creates it ahead of the subscription (starting at 1).
   *
   * @param namespace the namespace
   * @param durableName the subscription's durable name
   * @param eventTypes its event types; empty for every type
   * @param startSequence the first position to deliver, at least 1
   * @return the configuration
   */
  public static ConsumerConfiguration durable(Namespace namespace, String durableName,
      Collection<String> eventTypes, long startSequence) {
    return ConsumerConfiguration.builder()
        .durable(durableConsumerName(durableName))
        .ackPolicy(AckPolicy.Explicit)
        .ackWait(DURABLE_ACK_WAIT)
        .maxAckPending(DURABLE_MAX_ACK_PENDING)
        .deliverPolicy(DeliverPolicy.ByStartSequence)
        .startSequence(Math.max(1, startSequence))
        .filterSubjects(filters(namespace, eventTypes))
        .build();
  }

  /**
   * Returns the fields of a durable subscription's consumer that must be as {@link #durable}
   * makes them, by their JSON names, as text: {@code filter_subjects} (sorted), {@code
   * ack_policy}, {@code ack_wait}, {@code max_ack_pending} and {@code deliver_subject} ({@code
   * none}: a pull consumer). Where a consumer starts is not among them: an existing durable
   * resumes where it is.
   *
   * @param config a consumer's configuration
   * @return the fields, in that order
   */
  public static Map<String, String> durableFields(ConsumerConfiguration config) {
    Map<String, String> fields = new LinkedHashMap<>();
    List<String> filters = config.getFilterSubjects();
    fields.put("filter_subjects", filters == null ? "[]" : new TreeSet<>(filters).toString());
    fields.put("ack_policy", String.valueOf(config.getAckPolicy()));
    fields.put("ack_wait", String.valueOf(config.getAckWait()));
    fields.put("max_ack_pending", Long.toString(config.getMaxAckPending()));
    fields.put("deliver_subject", config.getDeliverSubject() == null ? "none"
        : config.getDeliverSubject());
    return fields;
  }

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
