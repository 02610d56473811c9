package one.flowmade.aether.cluster.internal.store;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.MessageTtl;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import one.flowmade.aether.cluster.ClusterConfigurationException;
import one.flowmade.aether.cluster.ClusterUnavailableException;
import one.flowmade.aether.nats.TokenEncoding;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;
import one.flowmade.aether.nats.internal.ServerVersion;
import one.flowmade.aether.nats.internal.StreamAdoption;
import org.jspecify.annotations.Nullable;

/**
 * The cluster's key-value bucket {@code aether-cluster-<cluster>}: compare-and-set writes with
 * per-key TTLs (renewals are publishes with {@code Nats-TTL} and {@code
 * Nats-Expected-Last-Subject-Sequence}, since a KV {@code update} would drop the TTL), reads of a
 * key's last message including delete markers, and the watch.
 *
 * <p>The bucket's stream has direct gets disabled, so that reads are answered by the stream
 * leader rather than by a replica that may lag behind.
 *
 * <p>Thread-safe. Every method blocks for at most the operation timeout (a few of them for a few
 * round trips) and throws {@link ClusterUnavailableException} when NATS does not answer.
 */
public final class ClusterStore {

  private static final String API = "$JS.API.";
  public static final String CONFIG_KEY = "config";
  public static final String LEADER_KEY = "leader";
  public static final String ASSIGNMENT_KEY = "assignment";
  public static final String MEMBER_PREFIX = "members.";
  /** How long delete markers (of expired and deleted keys) stay for watchers to see. */
  public static final Duration MARKER_TTL = AetherStreams.CLUSTER_MARKER_TTL;

  /** A key's last message: a live value ({@code PUT}) or a delete/purge/expiry marker. */
  public record Entry(String key, long revision, KeyValueOperation operation, byte[] value) {
    public boolean isLive() {
      return operation == KeyValueOperation.PUT;
    }
  }

  private final Connection connection;
  private final String bucket;
  private final String streamName;
  private final String subjectPrefix;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final KeyValue kv;
  private final Duration timeout;

  private ClusterStore(Connection connection, String bucket, Duration timeout) throws IOException {
    this.connection = connection;
    this.bucket = bucket;
    this.streamName = "KV_" + bucket;
    this.subjectPrefix = "$KV." + bucket + ".";
    this.timeout = timeout;
    JetStreamOptions options = JetStreamOptions.builder().requestTimeout(timeout).build();
    this.js = connection.jetStream(options);
    this.jsm = connection.jetStreamManagement(options);
    this.kv = connection.keyValue(bucket,
        KeyValueOptions.builder().jetStreamOptions(options).build());
  }

  public static String bucketName(String clusterName) {
    return "aether-cluster-" + clusterName;
  }

  public static String memberKey(String nodeId) {
    return MEMBER_PREFIX + TokenEncoding.encode(nodeId);
  }

  /** Returns the node id of a member key, or null if the key is not a member key. */
  public static @Nullable String nodeIdOfMemberKey(String key) {
    if (!key.startsWith(MEMBER_PREFIX)) {
      return null;
    }
    try {
      return TokenEncoding.decode(key.substring(MEMBER_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * Checks the server version, creates the bucket if it does not exist and {@code create} is set
   * (or checks it if it does) and returns a store on it. An existing bucket is never changed.
   *
   * @throws one.flowmade.aether.UnsafeStreamException if the bucket exists with a configuration
   *     that could leak or forge ({@link StreamAdoption}: sources, mirror, republish, a subject
   *     transform, subjects other than {@code $KV.<bucket>.>}, direct gets)
   * @throws ClusterConfigurationException if it exists without per-key TTLs, or does not exist
   *     and {@code create} is not set
   */
  public static ClusterStore open(Connection connection, String clusterName, int replicas,
      Duration timeout, boolean create) {
    checkServer(connection);
    String bucket = bucketName(clusterName);
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      JetStreamManagement jsm =
          connection.jetStreamManagement(JetStreamOptions.builder().requestTimeout(timeout).build());
      StreamInfo info = streamInfo(jsm, "KV_" + bucket);
      if (info == null && !create) {
        throw new ClusterConfigurationException("there is no cluster named " + clusterName
            + " (no bucket " + bucket + "); start a node of it first");
      }
      StreamConfiguration required = AetherStreams.clusterBucket(clusterName, replicas);
      if (info == null) {
        try {
          info = jsm.addStream(required);
        } catch (JetStreamApiException e) {
          info = streamInfo(jsm, "KV_" + bucket);
          if (info == null) {
            throw e;
          }
        }
      }
      StreamConfiguration config = info.getConfiguration();
      // An existing bucket is never changed here: a configuration that could leak or forge
      // (or direct gets, which a lagging replica may answer) is refused, for aether-admin to fix.
      StreamAdoption.check(config, required, "the Aether cluster '" + clusterName + "'");
      if (!config.getAllowMessageTtl() || config.getSubjectDeleteMarkerTtl() == null
          || config.getSubjectDeleteMarkerTtl().isZero()) {
        throw new ClusterConfigurationException("the bucket " + bucket
            + " exists without per-key TTLs and limit markers (allow_msg_ttl and"
            + " subject_delete_marker_ttl); delete it or create it with limitMarker set so that"
            + " memberships and leases can expire");
      }
      return new ClusterStore(connection, bucket, timeout);
    } catch (IOException e) {
      String stream = "KV_" + bucket;
      mark.refusal("open the cluster bucket " + bucket,
          API + "STREAM.INFO." + stream, API + "STREAM.CREATE." + stream,
          API + "STREAM.UPDATE." + stream).ifPresent(refused -> {
            throw refused;
          });
      throw new ClusterUnavailableException(
          "could not open or create the cluster bucket " + bucket, e);
    } catch (JetStreamApiException e) {
      throw new ClusterUnavailableException(
          "could not open or create the cluster bucket " + bucket, e);
    }
  }

  private static @Nullable StreamInfo streamInfo(JetStreamManagement jsm, String stream)
      throws IOException, JetStreamApiException {
    try {
      return jsm.getStreamInfo(stream);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamErrors.STREAM_NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  public static void checkServer(Connection connection) {
    if (connection.getServerInfo() == null) {
      throw new ClusterUnavailableException("the connection has no server information; is it"
          + " connected?", null);
    }
    ServerVersion.check(connection, "Aether clusters", "keys have no per-key TTLs and limit"
        + " markers, so memberships and leader leases would never expire and failed nodes would"
        + " never be detected");
  }

  public String bucket() {
    return bucket;
  }

  public Connection connection() {
    return connection;
  }

  /**
   * Creates a key that has no live value (absent, deleted or expired), with a TTL if given.
   *
   * @return the revision written
   * @throws CasFailure if the key has a live value
   */
  public long create(String key, byte[] value, @Nullable Duration ttl) throws CasFailure {
    long expected = 0;
    for (int attempt = 0; attempt < 5; attempt++) {
      try {
        return publish(key, value, null, expected, ttl);
      } catch (CasFailure e) {
        Optional<Entry> last = last(key);
        if (last.isPresent() && last.get().isLive()) {
          throw e;
        }
        expected = last.map(Entry::revision).orElse(0L);
      }
    }
    throw new CasFailure("the key " + key + " kept changing while it was being created", null);
  }

  /**
   * Replaces a key's value if its last revision is {@code expected}.
   *
   * @param ttl the new TTL, or null for none (a TTL must be given again with every write of a
   *     key that should expire)
   * @return the revision written
   */
  public long update(String key, byte[] value, long expected, @Nullable Duration ttl)
      throws CasFailure {
    return publish(key, value, null, expected, ttl);
  }

  /** Deletes a key if its last revision is {@code expected}; the delete marker expires later. */
  public void delete(String key, long expected) throws CasFailure {
    publish(key, null, new Headers().add("KV-Operation", "DEL"), expected, MARKER_TTL);
  }

  private long publish(String key, byte @Nullable [] value, @Nullable Headers headers,
      long expected, @Nullable Duration ttl) throws CasFailure {
    PublishOptions.Builder options = PublishOptions.builder()
        .expectedLastSubjectSequence(expected)
        .streamTimeout(timeout);
    if (ttl != null) {
      options.messageTtl(MessageTtl.seconds(Math.toIntExact(ttl.toSeconds())));
    }
    NatsMessage message = NatsMessage.builder()
        .subject(subjectPrefix + key)
        .headers(headers)
        .data(value == null ? new byte[0] : value)
        .build();
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      PublishAck ack = js.publish(message, options.build());
      return ack.getSeqno();
    } catch (JetStreamApiException e) {
      int code = e.getApiErrorCode();
      if (JetStreamErrors.isWrongLastSequence(code)) {
        throw new CasFailure("the last revision of " + key + " is not " + expected, e);
      }
      throw new ClusterUnavailableException("writing " + key + " in " + bucket + " failed", e);
    } catch (IOException | RuntimeException e) {
      throw unavailable("writing " + key + " in " + bucket, e, mark, subjectPrefix + key);
    }
  }

  /** Returns a key's last message, live or marker, or empty if the key has no message. */
  public Optional<Entry> last(String key) {
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      MessageInfo info = jsm.getLastMessage(streamName, subjectPrefix + key);
      KeyValueEntry entry = new KeyValueEntry(info);
      return Optional.of(new Entry(key, entry.getRevision(), entry.getOperation(),
          entry.getValue()));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
        return Optional.empty();
      }
      throw new ClusterUnavailableException("reading " + key + " in " + bucket + " failed", e);
    } catch (IOException | RuntimeException e) {
      throw unavailable("reading " + key + " in " + bucket, e, mark,
          API + "STREAM.MSG.GET." + streamName);
    }
  }

  /**
   * Returns the last message of every member key, in key order, read from the stream leader one
   * key at a time.
   */
  public Map<String, Entry> members() {
    Map<String, Entry> entries = new LinkedHashMap<>();
    try {
      StreamInfo info = jsm.getStreamInfo(streamName,
          StreamInfoOptions.filterSubjects(subjectPrefix + MEMBER_PREFIX + ">"));
      List<Subject> subjects = info.getStreamState().getSubjects();
      if (subjects == null) {
        return entries;
      }
      for (Subject subject : subjects) {
        String key = subject.getName().substring(subjectPrefix.length());
        last(key).ifPresent(entry -> entries.put(key, entry));
      }
      return entries;
    } catch (JetStreamApiException e) {
      throw new ClusterUnavailableException("listing the members of " + bucket + " failed", e);
    } catch (IOException | RuntimeException e) {
      throw unavailable("listing the members of " + bucket, e);
    }
  }

  /** Watches every key: last value per key first, then every change, in stream order. */
  public NatsKeyValueWatchSubscription watchAll(KeyValueWatcher watcher) {
    try {
      return kv.watchAll(watcher);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw unavailable("watching " + bucket, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClusterUnavailableException("interrupted while watching " + bucket, e);
    }
  }

  /**
   * Makes sure the cluster's shard count is recorded and matches.
   *
   * @throws ClusterConfigurationException if the cluster was created with another shard count
   */
  public void checkShardCount(int shardCount) {
    byte[] value = ("{\"v\":1,\"shardCount\":" + shardCount + "}")
        .getBytes(StandardCharsets.UTF_8);
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<Entry> existing = last(CONFIG_KEY);
      if (existing.isPresent() && existing.get().isLive()) {
        int recorded = readShardCount(existing.get().value());
        if (recorded != shardCount) {
          throw new ClusterConfigurationException("the cluster in bucket " + bucket + " has "
              + recorded + " shards; this node was configured with " + shardCount
              + ". Every node of a cluster must use the same shard count");
        }
        return;
      }
      try {
        create(CONFIG_KEY, value, null);
        return;
      } catch (CasFailure e) {
        // Another node recorded it first; read it again.
      }
    }
    throw new ClusterUnavailableException("could not record the shard count in " + bucket, null);
  }

  /** Returns the shard count recorded by the cluster, or empty if no node has joined yet. */
  public Optional<Integer> shardCount() {
    return last(CONFIG_KEY).filter(Entry::isLive).map(e -> readShardCount(e.value()));
  }

  private int readShardCount(byte[] value) {
    try {
      return (int) Json.longValue(Json.parse(value), "shardCount");
    } catch (IllegalArgumentException e) {
      throw new ClusterConfigurationException("the configuration in bucket " + bucket
          + " cannot be read: " + e.getMessage());
    }
  }

  private static RuntimeException unavailable(String what, Exception e) {
    if (e instanceof ClusterUnavailableException cue) {
      return cue;
    }
    return new ClusterUnavailableException(what + " failed: " + e.getMessage(), e);
  }

  /**
   * Like {@link #unavailable(String, Exception)}, but a {@link
   * one.flowmade.aether.PermissionDeniedException} if the server refused {@code subject} since
   * {@code mark}.
   */
  private RuntimeException unavailable(String what, Exception e,
      PermissionViolations.Mark mark, String subject) {
    if (e instanceof IOException) {
      var refused = mark.refusal(what, subject);
      if (refused.isPresent()) {
        return refused.get();
      }
    }
    return new ClusterUnavailableException(what + " failed: " + e.getMessage(), e);
  }
}
