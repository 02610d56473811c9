package one.flowmade.aether.admin;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.internal.AetherStreams;

/**
 * Every NATS name one namespace uses at run time, derived from {@link SubjectLayout} and from the
 * one place the JetStream stores, the cluster and the projection checkpoint store take their
 * stream and bucket configurations from: the event stream {@code AETHER_<ns>} on {@code
 * aether.ev.<ns>.>}, the snapshot stream {@code AETHERSNAP_<ns>} on {@code aether.snap.<ns>.>}, the
 * bus subjects {@code aether.bus.<ns>.>}, the cluster's bucket {@code aether-cluster-<c>} (stream
 * {@code KV_aether-cluster-<c>}) and routing subjects {@code aether.cluster.<c>.>}, the projection
 * checkpoint bucket {@code aether-projections-<ns>} (stream {@code KV_aether-projections-<ns>}),
 * and the private inbox prefix {@code _INBOX_<ns>}; and the application's own key-value
 * buckets, if it declared any ({@link #withBucket}), such as a read model kept in KV.
 *
 * <p>Immutable and thread-safe.
 */
public final class NamespaceResources {

  private static final Pattern CLUSTER = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  /** What Aether's own buckets of every namespace and cluster start with. */
  private static final String RESERVED = "aether-";

  private final Namespace namespace;
  private final String clusterName;
  private final List<String> buckets;

  private NamespaceResources(Namespace namespace, String clusterName, List<String> buckets) {
    this.namespace = namespace;
    this.clusterName = clusterName;
    this.buckets = List.copyOf(buckets);
  }

  /**
   * Returns the resources of a namespace whose cluster is named like the namespace.
   *
   * @param namespace the namespace
   * @return its resources
   */
  public static NamespaceResources of(Namespace namespace) {
    Objects.requireNonNull(namespace, "namespace");
    return new NamespaceResources(namespace, namespace.name(), List.of());
  }

  /**
   * Returns the resources of a namespace whose Aether cluster has its own name.
   *
   * @param namespace the namespace
   * @param clusterName the cluster's name: 1 to 64 lower-case letters, digits, {@code '-'} or
   *     {@code '_'}, starting with a letter or digit
   * @return its resources
   * @throws IllegalArgumentException if the cluster name is invalid
   */
  public static NamespaceResources of(Namespace namespace, String clusterName) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(clusterName, "clusterName");
    if (!CLUSTER.matcher(clusterName).matches()) {
      throw new IllegalArgumentException("cluster name '" + clusterName + "' must be 1 to 64"
          + " lower-case letters, digits, '-' or '_', starting with a letter or digit");
    }
    return new NamespaceResources(namespace, clusterName, List.of());
  }

  /**
   * Returns these resources with one more key-value bucket of the application's own, such as a
   * read model kept in NATS KV. The generated {@link Role#APPLICATION} role may then read, write
   * and watch it (as it does the checkpoint bucket: {@code $KV.<bucket>.>}, gets, consumers on
   * {@code KV_<bucket>}) and the {@link Role#PROVISIONING} role may create and update it; neither
   * may delete or purge it. {@link Provisioner} does not create it: create it with the
   * provisioning user ({@code KeyValueManagement.create}, or {@code nats kv add}).
   *
   * <p>With an account per namespace the bucket lives in the namespace's account, where no other
   * namespace can reach it. In {@link ServerConfiguration.Mode#SHARED_ACCOUNT} bucket names are
   * shared by all namespaces, so {@link ServerConfiguration.Builder#build()} refuses a bucket
   * that two namespaces declare.
   *
   * @param bucket 1 to 64 ASCII letters, digits, {@code '-'} or {@code '_'}, not starting with
   *     {@code aether-} (the prefix of Aether's own buckets of every namespace)
   * @return the resources with the bucket
   * @throws IllegalArgumentException if the name is invalid, reserved or already declared
   */
  public NamespaceResources withBucket(String bucket) {
    Objects.requireNonNull(bucket, "bucket");
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException("bucket name '" + bucket + "' must be 1 to 64 ASCII"
          + " letters, digits, '-' or '_'");
    }
    if (bucket.startsWith(RESERVED)) {
      throw new IllegalArgumentException("bucket name '" + bucket + "' starts with '" + RESERVED
          + "', which Aether's own buckets of every namespace and cluster use; choose another");
    }
    if (buckets.contains(bucket)) {
      throw new IllegalArgumentException("bucket '" + bucket + "' was already declared for"
          + " namespace " + namespace.name());
    }
    List<String> more = new ArrayList<>(buckets);
    more.add(bucket);
    return new NamespaceResources(namespace, clusterName, more);
  }

  /**
   * Returns the application's own buckets declared with {@link #withBucket}.
   *
   * @return the bucket names, in the order declared; empty if none
   */
  public List<String> applicationBuckets() {
    return buckets;
  }

  /**
   * Returns the namespace.
   *
   * @return the namespace
   */
  public Namespace namespace() {
    return namespace;
  }

  /**
   * Returns the name of the namespace's Aether cluster.
   *
   * @return the cluster name
   */
  public String clusterName() {
    return clusterName;
  }

  /**
   * Returns the event stream's name.
   *
   * @return {@code AETHER_<ns>}
   */
  public String eventStream() {
    return SubjectLayout.streamName(namespace);
  }

  /**
   * Returns the subjects the event stream captures.
   *
   * @return {@code aether.ev.<ns>.>}
   */
  public String eventSubjects() {
    return SubjectLayout.allEvents(namespace);
  }

  /**
   * Returns the bus subjects (bus-only events and the stored events the event stream republishes).
   *
   * @return {@code aether.bus.<ns>.>}
   */
  public String busSubjects() {
    return SubjectLayout.allBusEvents(namespace);
  }

  /**
   * Returns the snapshot stream's name.
   *
   * @return {@code AETHERSNAP_<ns>}
   */
  public String snapshotStream() {
    return AetherStreams.snapshotStreamName(namespace);
  }

  /**
   * Returns the subjects the snapshot stream captures.
   *
   * @return {@code aether.snap.<ns>.>}
   */
  public String snapshotSubjects() {
    return AetherStreams.snapshotSubjectPrefix(namespace) + ">";
  }

  /**
   * Returns the cluster's key-value bucket.
   *
   * @return {@code aether-cluster-<c>}
   */
  public String clusterBucket() {
    return AetherStreams.clusterBucketName(clusterName);
  }

  /**
   * Returns the stream behind the cluster's bucket.
   *
   * @return {@code KV_aether-cluster-<c>}
   */
  public String clusterBucketStream() {
    return "KV_" + clusterBucket();
  }

  /**
   * Returns the subjects of the cluster's bucket.
   *
   * @return {@code $KV.aether-cluster-<c>.>}
   */
  public String clusterBucketSubjects() {
    return "$KV." + clusterBucket() + ".>";
  }

  /**
   * Returns the namespace's projection checkpoint bucket ({@code KvCheckpointStore}).
   *
   * @return {@code aether-projections-<ns>}
   */
  public String checkpointBucket() {
    return AetherStreams.checkpointBucketName(namespace);
  }

  /**
   * Returns the stream behind the checkpoint bucket.
   *
   * @return {@code KV_aether-projections-<ns>}
   */
  public String checkpointBucketStream() {
    return "KV_" + checkpointBucket();
  }

  /**
   * Returns the subjects of the checkpoint bucket.
   *
   * @return {@code $KV.aether-projections-<ns>.>}
   */
  public String checkpointBucketSubjects() {
    return "$KV." + checkpointBucket() + ".>";
  }

  /**
   * Returns the cluster's routing subjects.
   *
   * @return {@code aether.cluster.<c>.>}
   */
  public String clusterSubjects() {
    return "aether.cluster." + clusterName + ".>";
  }

  /**
   * Returns the inbox prefix the namespace's clients must set ({@code
   * Options.Builder.inboxPrefix(..)} in jnats), so that no other user can read their replies.
   *
   * @return {@code _INBOX_<ns>}
   */
  public String inboxPrefix() {
    return "_INBOX_" + namespace.name();
  }

  /**
   * Returns the namespace's streams: events, snapshots, cluster bucket, checkpoint bucket, then
   * the streams {@code KV_<bucket>} of the application's own buckets.
   *
   * @return the stream names: four, and one per application bucket
   */
  public List<String> streams() {
    List<String> streams = new ArrayList<>(List.of(eventStream(), snapshotStream(),
        clusterBucketStream(), checkpointBucketStream()));
    for (String bucket : buckets) {
      streams.add("KV_" + bucket);
    }
    return List.copyOf(streams);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamespaceResources r && r.namespace.equals(namespace)
        && r.clusterName.equals(clusterName) && r.buckets.equals(buckets);
  }

  @Override
  public int hashCode() {
    return (namespace.hashCode() * 31 + clusterName.hashCode()) * 31 + buckets.hashCode();
  }

  @Override
  public String toString() {
    return "NamespaceResources[" + namespace.name() + ", cluster " + clusterName
        + (buckets.isEmpty() ? "" : ", buckets " + buckets) + "]";
  }
}
