package one.flowmade.aether.projection;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.nats.client.support.NatsJetStreamConstants;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;
import one.flowmade.aether.nats.internal.StreamAdoption;
import org.jspecify.annotations.Nullable;

/**
 * A read model kept in a NATS KV bucket whose rows and projection checkpoints commit together in
 * one atomic batch (ADR-50): exactly-once effects without a database. It is the {@link
 * CheckpointStore} of the projections that write it; their handlers stage puts and deletes through
 * {@link ProjectionContext#requireKvBatch()}, and each unit of work publishes those writes and the
 * checkpoint's compare-and-set as one batch that the server stores whole or not at all. The query
 * side reads the same bucket with {@link #get} and {@link #keys()}.
 *
 * <p>Layout, one bucket (so one stream, which an atomic batch needs): the rows under the keys the
 * handlers choose; each checkpoint under {@code _aether.checkpoint.<encoded key>} (value {@code
 * <position> <epoch>}) and parked events under {@code _aether.parked.<encoded key>.<position>}.
 * Keys whose first token is {@code _aether} are reserved and refused for rows.
 *
 * <p>Fencing: as {@link KvCheckpointStore}, every checkpoint write is a compare-and-set on its
 * revision; in a batch it is the committing message, carrying {@code
 * Nats-Expected-Last-Subject-Sequence}, so a stale owner's batch is refused at the commit and
 * none of its rows is stored. A unit of work whose commit had an unknown outcome (a timeout, a
 * lost connection) and is applied again finds the checkpoint already at or past its position in
 * its own epoch and commits nothing a second time.
 *
 * <p>Limits: a batch holds at most {@link #maxBatchMessages()} messages (the server's {@code
 * max_batch_size}, 1,000 by default; set {@link Builder#maxBatchMessages} when the server's is
 * lower), so a unit of work holds at most that minus one distinct row keys: the projection commits
 * the events before the one that reaches it and goes on in a new batch; a single event writing
 * more fails through the error policy. Values are limited by the bucket's maximum value size and
 * the server's maximum payload, less the batch headers of each message (about 80 bytes), checked
 * when staged. The server keeps at most 50 uncommitted
 * batches per stream and abandons one idle for 10 s; the batch is sent only at commit, in one
 * go.
 *
 * <p>The bucket's stream must allow atomic batches ({@code allow_atomic}): a bucket this class
 * creates has it (an update in place right after creating it); an existing bucket without it is
 * refused when opened, naming the fix.
 *
 * <p>Thread-safe; methods block on the server. Failures map as {@link KvCheckpointStore}'s: no
 * answer or a server that cannot serve now is an {@link AetherTransientException}; a refusal
 * retrying cannot cure is an {@link AetherNonTransientException} (or {@link
 * PermissionDeniedException}).
 */
public final class KvReadModel extends KvBucketCheckpoints {
  /** The longest row key accepted, in characters. */
  public static final int MAX_KEY_LENGTH = 1024;
  /** The server's default maximum number of messages in one atomic batch (ADR-50). */
  public static final int DEFAULT_MAX_BATCH_MESSAGES = 1000;

  private static final String RESERVED = "_aether";
  private static final String CHECKPOINTS = RESERVED + ".checkpoint.";
  private static final String PARKED = RESERVED + ".parked.";
  private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9_-]{1,200}");
  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_/=-]+");
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final String KV_OPERATION = "KV-Operation";
  private static final int ATOMIC_DISABLED = 10174;
  private static final int BATCH_TOO_LARGE = 10199;
  private static final byte[] DELETE = new byte[0];

  private final Connection connection;
  private final JetStream js;
  private final KeyValue kv;
  private final String bucket;
  private final int maxBatchMessages;
  private final long maxValueBytes;

  private KvReadModel(Connection connection, JetStream js, KeyValue kv, String bucket,
      int maxBatchMessages, long maxValueBytes) {
    super(new KvCheckpoints(connection, kv, bucket, CHECKPOINTS, PARKED));
    this.connection = connection;
    this.js = js;
    this.kv = kv;
    this.bucket = bucket;
    this.maxBatchMessages = maxBatchMessages;
    this.maxValueBytes = maxValueBytes;
  }

  /**
   * Returns a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a read model with one replica and the default batch limit: {@code
   * builder().connection(connection).bucket(bucket).build()}.
   *
   * @param connection an open connection; not closed by the read model
   * @param bucket the bucket's name
   * @return the read model
   * @throws IllegalArgumentException if the bucket name is not valid
   * @throws AetherNonTransientException if the bucket exists without {@code allow_atomic}
   * @throws AetherTransientException if the server could not be reached
   */
  public static KvReadModel open(Connection connection, String bucket) {
    return builder().connection(connection).bucket(bucket).build();
  }

  /**
   * Returns the bucket this read model lives in.
   *
   * @return the bucket name
   */
  public String bucket() {
    return bucket;
  }

  /**
   * Returns the most messages one unit of work's batch may hold, its checkpoint included.
   *
   * @return the batch limit
   */
  public int maxBatchMessages() {
    return maxBatchMessages;
  }

  /**
   * Returns a row's committed value, for the query side. Served like any KV get: with direct gets
   * (a bucket's default) any replica may answer, so on three replicas a read right after a commit
   * may briefly miss it; a handler's {@link KvBatch#get} always reads the stream's leader.
   *
   * @param key the row key
   * @return the value, empty if absent or deleted
   * @throws IllegalArgumentException if the key is not a valid row key
   * @throws AetherTransientException if the bucket cannot be read now
   */
  public Optional<byte[]> get(String key) {
    checkKey(key);
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      KeyValueEntry entry = kv.get(key);
      return entry == null || entry.getOperation() != KeyValueOperation.PUT ? Optional.empty()
          : Optional.of(entry.getValue());
    } catch (IOException | JetStreamApiException e) {
      throw checkpoints.failure("read-model key '" + key + "' of bucket " + bucket
          + " could not be read", "read key '" + key + "' of bucket " + bucket, e, mark,
          "$JS.API.DIRECT.GET.KV_" + bucket + "." + checkpoints.writeSubject(key),
          "$JS.API.DIRECT.GET.KV_" + bucket, "$JS.API.STREAM.MSG.GET.KV_" + bucket);
    }
  }

  /**
   * Returns a row's committed value as UTF-8 text, as {@link #get} does.
   *
   * @param key the row key
   * @return the value, empty if absent or deleted
   * @throws IllegalArgumentException if the key is not a valid row key
   * @throws AetherTransientException if the bucket cannot be read now
   */
  public Optional<String> getString(String key) {
    return get(key).map(v -> new String(v, StandardCharsets.UTF_8));
  }

  /**
   * Returns every row key (not the reserved checkpoint and parking keys), in order.
   *
   * @return the row keys; a snapshot
   * @throws AetherTransientException if the bucket cannot be read now
   */
  public List<String> keys() {
    List<String> all = new ArrayList<>();
    for (String k : checkpoints.keys(">")) {
      if (!isReserved(k)) {
        all.add(k);
      }
    }
    Collections.sort(all);
    return List.copyOf(all);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The rows are not touched: a rebuild from the start into the same bucket applies every
   * event again on top of them; empty the rows first, or rebuild under a new bucket.
   */
  @Override
  public void reset(String key, long position) {
    super.reset(key, position);
  }

  /**
   * Begins a unit of work whose {@link Transaction#kvBatch() KV writes} commit with the
   * checkpoint in one atomic batch.
   */
  @Override
  public Transaction begin(String key, long epoch) {
    Objects.requireNonNull(key, "key");
    return new KvTransaction(key, epoch);
  }

  private static boolean isReserved(String k) {
    return k.equals(RESERVED) || k.startsWith(RESERVED + ".");
  }

  /** Refuses a key that is not a valid row key, naming it and the rule. */
  static void checkKey(String key) {
    Objects.requireNonNull(key, "key");
    String problem = null;
    if (key.isEmpty()) {
      problem = "it is empty";
    } else if (key.length() > MAX_KEY_LENGTH) {
      problem = "it is longer than " + MAX_KEY_LENGTH + " characters";
    } else if (isReserved(key)) {
      problem = "its first token _aether is reserved for checkpoints and parked events";
    } else {
      for (String token : key.split("\\.", -1)) {
        if (!TOKEN.matcher(token).matches()) {
          problem = token.isEmpty() ? "it has an empty token (a leading, trailing or double dot)"
              : "token '" + token + "' has a character other than A-Z a-z 0-9 - _ / =";
          break;
        }
      }
    }
    if (problem != null) {
      throw new IllegalArgumentException("read-model key '" + key + "' is not valid: " + problem
          + "; a key is tokens of A-Z a-z 0-9 - _ / = separated by single dots, at most "
          + MAX_KEY_LENGTH + " characters, not starting with _aether");
    }
  }

  /** One unit of work: the staged writes, then one batch ending with the checkpoint. */
  final class KvTransaction implements Transaction, KvBatch {
    private final String key;
    private final long epoch;
    private final LinkedHashMap<String, byte[]> staged = new LinkedHashMap<>();
    /** The staged state of keys written since {@link #mark()}, to undo them (null: not staged). */
    private final LinkedHashMap<String, byte @Nullable []> undo = new LinkedHashMap<>();
    private boolean overflowed;
    private boolean done;

    KvTransaction(String key, long epoch) {
      this.key = key;
      this.epoch = epoch;
    }

    @Override
    public Optional<KvBatch> kvBatch() {
      return Optional.of(this);
    }

    /** Starts a new savepoint (before an event's handlers). */
    void mark() {
      undo.clear();
      overflowed = false;
    }

    /** Undoes what was staged since {@link #mark()}. */
    void rollbackToMark() {
      List<Map.Entry<String, byte @Nullable []>> entries = new ArrayList<>(undo.entrySet());
      for (int i = entries.size() - 1; i >= 0; i--) {
        byte[] before = entries.get(i).getValue();
        if (before == null) {
          staged.remove(entries.get(i).getKey());
        } else {
          staged.put(entries.get(i).getKey(), before);
        }
      }
      undo.clear();
    }

    /** Whether a write since {@link #mark()} was refused because the batch was full. */
    boolean overflowed() {
      return overflowed;
    }

    private void checkOpen() {
      if (done) {
        throw new IllegalStateException("the unit of work of checkpoint '" + key
            + "' already ended; its KvBatch is valid only during the handler call");
      }
    }

    @Override
    public Optional<byte[]> get(String k) {
      checkKey(k);
      checkOpen();
      byte[] value = staged.get(k);
      if (value != null) {
        return value == DELETE ? Optional.empty() : Optional.of(value.clone());
      }
      return readLeader(k);
    }

    @Override
    public void put(String k, byte[] value) {
      checkKey(k);
      Objects.requireNonNull(value, "value");
      if (value.length > maxValueBytes) {
        throw new IllegalArgumentException("value of read-model key '" + k + "' has "
            + value.length + " bytes; bucket " + bucket + " takes at most " + maxValueBytes
            + " (the smaller of its maximum value size and the server's maximum payload, less the"
            + " batch headers of the message)");
      }
      stage(k, value.clone());
    }

    @Override
    public void delete(String k) {
      checkKey(k);
      stage(k, DELETE);
    }

    @Override
    public int size() {
      return staged.size();
    }

    private void stage(String k, byte[] value) {
      checkOpen();
      if (!staged.containsKey(k) && staged.size() + 1 >= maxBatchMessages) {
        overflowed = true;
        throw new IllegalStateException("the unit of work of projection '" + key + "' already"
            + " writes " + staged.size() + " keys of bucket " + bucket + ": an atomic batch holds"
            + " at most " + maxBatchMessages + " messages, the checkpoint included; an event may"
            + " write at most " + (maxBatchMessages - 1) + " keys");
      }
      if (!undo.containsKey(k)) {
        undo.put(k, staged.get(k));
      }
      staged.put(k, value);
    }

    @Override
    public void commit(long position) {
      checkOpen();
      try {
        if (staged.isEmpty()) {
          checkpoints.commit(key, epoch, position);
        } else {
          checkpoints.commitOnce(key, epoch, position, this::publishBatch);
        }
      } finally {
        done = true;
        staged.clear();
      }
    }

    @Override
    public void close() {
      done = true;
      staged.clear();
    }

    /**
     * Publishes the staged writes and then the checkpoint as one atomic batch; returns the
     * checkpoint's new revision, or null if its compare-and-set lost (nothing stored).
     */
    private @Nullable Long publishBatch(String ckey, String k, long revision, byte[] value) {
      String id = UUID.randomUUID().toString();
      String[] subjects = new String[staged.size() + 1];
      PermissionViolations.Mark mark = PermissionViolations.mark(connection);
      int seq = 0;
      for (Map.Entry<String, byte[]> w : staged.entrySet()) {
        Headers h = batchHeaders(id, ++seq);
        byte[] data = w.getValue();
        if (data == DELETE) {
          h.add(KV_OPERATION, "DEL");
        }
        subjects[seq - 1] = checkpoints.writeSubject(w.getKey());
        connection.publish(NatsMessage.builder().subject(subjects[seq - 1]).headers(h)
            .data(data).build());
      }
      Headers h = batchHeaders(id, ++seq).add(NatsJetStreamConstants.NATS_BATCH_COMMIT_HDR, "1")
          .add(NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_HDR, Long.toString(revision));
      subjects[seq - 1] = checkpoints.writeSubject(k);
      try {
        PublishAck ack = js.publish(NatsMessage.builder()
            .subject(subjects[seq - 1]).headers(h).data(value).build());
        return ack.getSeqno();
      } catch (JetStreamApiException e) {
        if (KvCheckpoints.isConflict(e)) {
          return null;
        }
        throw batchFailure(e, mark, subjects);
      } catch (IOException e) {
        throw batchFailure(e, mark, subjects);
      }
    }

    private Headers batchHeaders(String id, int seq) {
      return new Headers().add(NatsJetStreamConstants.NATS_BATCH_ID_HDR, id)
          .add(NatsJetStreamConstants.NATS_BATCH_SEQUENCE_HDR, Integer.toString(seq));
    }

    private RuntimeException batchFailure(Exception e, PermissionViolations.Mark mark,
        String[] subjects) {
      String what = "the unit of work of checkpoint '" + key + "' (" + (subjects.length - 1)
          + " rows and the checkpoint) could not be committed to bucket " + bucket;
      if (e instanceof JetStreamApiException api) {
        int code = api.getApiErrorCode();
        if (code == ATOMIC_DISABLED) {
          return new AetherNonTransientException(what + ": its stream KV_" + bucket + " no longer"
              + " allows atomic batches (JetStream error 10174); set allow_atomic: true on it"
              + " again (an update in place)", e);
        }
        if (code == BATCH_TOO_LARGE) {
          return new AetherNonTransientException(what + ": the server takes fewer messages per"
              + " atomic batch than " + subjects.length + " (" + api.getErrorDescription() + ");"
              + " set KvReadModel.Builder.maxBatchMessages to the server's max_batch_size", e);
        }
        if (code == JetStreamErrors.BATCH_INCOMPLETE || code == JetStreamErrors.BATCH_TOO_MANY_IN_FLIGHT
            || code == JetStreamErrors.TEMPORARILY_UNAVAILABLE || api.getErrorCode() == 503) {
          Optional<PermissionDeniedException> refused = mark.refusal(what,
              subjects);
          if (refused.isPresent()) {
            return refused.get();
          }
          return new AetherTransientException(what + ": " + e.getMessage()
              + "; nothing of it was stored", e);
        }
      }
      return checkpoints.failure(what, "commit the unit of work of checkpoint '" + key
          + "' to bucket " + bucket, e, mark, subjects);
    }

    private String readFailed(String k) {
      return "read-model key '" + k + "' of bucket " + bucket + " could not be read for the unit"
          + " of work of checkpoint '" + key + "'";
    }

    /** Reads a row from the stream's leader, whatever the bucket's direct-get setting. */
    private Optional<byte[]> readLeader(String k) {
      String subject = "$JS.API.STREAM.MSG.GET.KV_" + bucket;
      byte[] request = ("{\"last_by_subj\":\"" + checkpoints.writeSubject(k) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
      PermissionViolations.Mark mark = PermissionViolations.mark(connection);
      try {
        CompletableFuture<Message> reply = connection.request(subject, request);
        Message m = reply.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        MessageInfo info = new MessageInfo(m, "KV_" + bucket, false);
        if (info.hasError()) {
          if (info.getApiErrorCode() == JetStreamErrors.NO_MESSAGE_FOUND) {
            return Optional.empty();
          }
          throw checkpoints.failure(readFailed(k), "read key '" + k + "' of bucket " + bucket,
              new JetStreamApiException(info.getErrorObject()), mark, subject);
        }
        Headers h = info.getHeaders();
        String op = h == null ? null : h.getFirst(KV_OPERATION);
        byte[] data = info.getData();
        if (op != null && !op.equals(KeyValueOperation.PUT.getHeaderValue())) {
          return Optional.empty();
        }
        return Optional.of(data == null ? new byte[0] : data);
      } catch (ExecutionException | TimeoutException e) {
        throw checkpoints.failure(readFailed(k), "read key '" + k + "' of bucket " + bucket,
            new IOException("no answer from the leader of KV_" + bucket + ": " + e, e), mark,
            subject);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AetherTransientException("interrupted while reading '" + k + "' of bucket "
            + bucket, e);
      }
    }
  }

  /**
   * Builds a {@link KvReadModel}: {@link #connection} and {@link #bucket} are required. Not
   * thread-safe; each setting may be set once.
   */
  public static final class Builder {
    private @Nullable Connection connection;
    private @Nullable String bucket;
    private @Nullable Integer replicas;
    private @Nullable Integer maxBatchMessages;

    private Builder() {}

    private static <T> T once(@Nullable T current, T value, String name) {
      if (current != null) {
        throw new IllegalStateException(name + " was already set to " + current);
      }
      return value;
    }

    /**
     * Sets the connection (required); the read model does not close it.
     *
     * @param connection an open connection
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder connection(Connection connection) {
      this.connection = once(this.connection,
          Objects.requireNonNull(connection, "connection"), "connection");
      return this;
    }

    /**
     * Sets the bucket (required): 1 to 200 of {@code A-Z a-z 0-9 _ -}, not starting with {@code
     * aether-} (Aether's own buckets).
     *
     * @param bucket the bucket name
     * @return this builder
     * @throws IllegalArgumentException if the name is not valid
     * @throws IllegalStateException if already set
     */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (!BUCKET.matcher(bucket).matches() || bucket.startsWith("aether-")) {
        throw new IllegalArgumentException("read-model bucket name '" + bucket + "' is not valid:"
            + " use 1 to 200 of A-Z a-z 0-9 _ -, not starting with aether- (Aether's own buckets)");
      }
      this.bucket = once(this.bucket, bucket,
          "bucket");
      return this;
    }

    /**
     * Sets the bucket's replicas when this read model creates it (1 to 5; default 1). An existing
     * bucket keeps its own.
     *
     * @param replicas the replicas
     * @return this builder
     * @throws IllegalArgumentException if not 1 to 5
     * @throws IllegalStateException if already set
     */
    public Builder replicas(int replicas) {
      if (replicas < 1 || replicas > 5) {
        throw new IllegalArgumentException("replicas must be 1 to 5, was " + replicas);
      }
      this.replicas = once(this.replicas, replicas,
          "replicas");
      return this;
    }

    /**
     * Sets the most messages one atomic batch may hold (default {@value
     * #DEFAULT_MAX_BATCH_MESSAGES}, the server's default {@code max_batch_size}); set it to the
     * server's when that is configured lower. A unit of work holds at most this minus one keys.
     *
     * @param maxBatchMessages at least 2
     * @return this builder
     * @throws IllegalArgumentException if less than 2
     * @throws IllegalStateException if already set
     */
    public Builder maxBatchMessages(int maxBatchMessages) {
      if (maxBatchMessages < 2) {
        throw new IllegalArgumentException("maxBatchMessages must be at least 2 (a row and the"
            + " checkpoint), was " + maxBatchMessages);
      }
      this.maxBatchMessages = once(this.maxBatchMessages, maxBatchMessages, "maxBatchMessages");
      return this;
    }

    /**
     * Opens the read model: creates the bucket (file storage, one value per key, the replicas,
     * {@code allow_atomic} on) if it does not exist; an existing one is checked and never changed.
     *
     * @return the read model
     * @throws IllegalStateException if the connection or bucket is not set
     * @throws one.flowmade.aether.UnsafeStreamException if the bucket exists with a configuration
     *     that could leak or forge (sources, a mirror, republish, a subject transform, foreign
     *     subjects, mirror_direct)
     * @throws AetherNonTransientException if the bucket exists and its stream does not allow
     *     atomic batches; the message names the fix
     * @throws AetherTransientException if the server could not be reached
     */
    public KvReadModel build() {
      if (connection == null || bucket == null) {
        throw new IllegalStateException((connection == null ? "connection" : "bucket")
            + " is not set; KvReadModel.builder() needs connection(..) and bucket(..)");
      }
      Connection c = Objects.requireNonNull(connection);
      String name = Objects.requireNonNull(bucket);
      KeyValueConfiguration required = KeyValueConfiguration.builder().name(name)
          .maxHistoryPerKey(1).storageType(StorageType.File)
          .replicas(replicas == null ? 1 : replicas).build();
      try {
        KeyValueManagement kvm = c.keyValueManagement();
        JetStreamManagement jsm = c.jetStreamManagement();
        KeyValueStatus status = KvCheckpointStore.status(kvm, name);
        boolean created = false;
        if (status == null) {
          try {
            status = kvm.create(required);
          } catch (JetStreamApiException raced) {
            status = kvm.getStatus(name);
          }
          created = true;
        }
        StreamConfiguration found = status.getBackingStreamInfo().getConfiguration();
        StreamAdoption.check(found, required.getBackingConfig(), "the KV read model '" + name
            + "'");
        if (!found.getAllowAtomicPublish()) {
          if (!created) {
            throw new AetherNonTransientException("bucket " + name + " exists, but its stream KV_"
                + name + " does not allow atomic batches (allow_atomic is false), so a read"
                + " model's rows and checkpoint could not commit together; set allow_atomic: true"
                + " on stream KV_" + name + " (an update in place that changes no stored data;"
                + " the namespace's provisioning role may do it), then open it again", null);
          }
          found = jsm.updateStream(StreamConfiguration.builder(found).allowAtomicPublish(true)
              .build()).getConfiguration();
          if (!found.getAllowAtomicPublish()) {
            throw new AetherNonTransientException("the server did not enable allow_atomic on"
                + " stream KV_" + name + ": atomic batches need nats-server 2.12 or newer on"
                + " every server of the cluster", null);
          }
        }
        int batch = maxBatchMessages == null ? DEFAULT_MAX_BATCH_MESSAGES : maxBatchMessages;
        // the server counts a row's headers in both limits
        long maxValue = c.getServerInfo().getMaxPayload();
        if (status.getMaximumValueSize() > 0) {
          maxValue = Math.min(maxValue, status.getMaximumValueSize());
        }
        maxValue -= new Headers()
            .add(NatsJetStreamConstants.NATS_BATCH_ID_HDR, UUID.randomUUID().toString())
            .add(NatsJetStreamConstants.NATS_BATCH_SEQUENCE_HDR, Integer.toString(batch))
            .serializedLength();
        return new KvReadModel(c, c.jetStream(), c.keyValue(name), name, batch, maxValue);
      } catch (IOException | JetStreamApiException e) {
        throw new AetherTransientException("could not open read-model bucket " + name + ": "
            + e.getMessage(), e);
      }
    }
  }

  @Override
  public String toString() {
    return "KvReadModel[" + bucket + "]";
  }
}
