package one.flowmade.aether.projection;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.nats.TokenEncoding;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;
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
public final class KvCheckpointStore implements CheckpointStore {
  private static final int STREAM_NOT_FOUND = 10059;
  private static final String PARKED = "parked.";

  private final Connection connection;
  private final KeyValue kv;
  private final String bucket;
  private final ConcurrentHashMap<String, Long> revisions = new ConcurrentHashMap<>();

  private KvCheckpointStore(Connection connection, KeyValue kv, String bucket) {
    this.connection = connection;
    this.kv = kv;
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
  private static @Nullable KeyValueStatus status(KeyValueManagement kvm, String bucket)
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
  public Checkpoint claim(String key) {
    return claimAs(key, 0);
  }

  @Override
  public Checkpoint claim(String key, long epoch) {
    Checkpoints.checkEpoch(epoch);
    return claimAs(key, epoch);
  }

  /** Claims with {@code epoch}, or with the stored epoch plus one when it is 0. */
  private Checkpoint claimAs(String key, long epoch) {
    String k = TokenEncoding.encode(Objects.requireNonNull(key, "key"));
    while (true) {
      KeyValueEntry entry = get(k);
      Checkpoint c;
      if (entry == null) {
        c = new Checkpoint(0, epoch == 0 ? 1 : epoch);
      } else {
        Checkpoint old = decode(key, entry);
        if (epoch != 0 && old.epoch() > epoch) {
          throw Checkpoints.higherEpoch(key, epoch, old.epoch());
        }
        c = new Checkpoint(old.position(), epoch == 0 ? old.epoch() + 1 : epoch);
      }
      Long revision = compareAndSet(key, k, revisionOf(entry), encode(c));
      if (revision != null) {
        revisions.put(k, revision);
        return c;
      }
      // another claim or commit won the race: read again
    }
  }

  @Override
  public Optional<Checkpoint> load(String key) {
    String k = TokenEncoding.encode(Objects.requireNonNull(key, "key"));
    KeyValueEntry entry = get(k);
    return entry == null ? Optional.empty() : Optional.of(decode(key, entry));
  }

  @Override
  public void reset(String key, long position) {
    String k = TokenEncoding.encode(Objects.requireNonNull(key, "key"));
    while (true) {
      KeyValueEntry entry = get(k);
      long epoch = entry == null ? 1 : decode(key, entry).epoch() + 1;
      if (compareAndSet(key, k, revisionOf(entry), encode(new Checkpoint(position, epoch)))
          != null) {
        return;
      }
    }
  }

  @Override
  public Transaction begin(String key, long epoch) {
    String k = TokenEncoding.encode(Objects.requireNonNull(key, "key"));
    return new Transaction() {
      @Override
      public void commit(long position) {
        Long revision = revisions.get(k);
        while (true) {
          if (revision == null) {
            KeyValueEntry entry = get(k);
            Checkpoint stored = entry == null ? null : decode(key, entry);
            if (entry == null || stored == null || stored.epoch() != epoch) {
              throw new CheckpointFencedException(key, epoch, stored == null
                  ? "the checkpoint is gone" : "the bucket holds epoch " + stored.epoch());
            }
            revision = entry.getRevision();
          }
          revision = compareAndSet(key, k, revision, encode(new Checkpoint(position, epoch)));
          if (revision != null) {
            revisions.put(k, revision);
            return;
          }
          // someone wrote: check who before trying again
        }
      }

      @Override
      public void close() {}
    };
  }

  /**
   * Writes {@code value} under {@code k} if the key is still at {@code revision}, or creates it
   * if {@code revision} is null.
   *
   * @return the new revision, or null if another writer changed the key first
   * @throws AetherTransientException if the bucket cannot be written
   */
  private @Nullable Long compareAndSet(String key, String k, @Nullable Long revision,
      byte[] value) {
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      return revision == null ? kv.create(k, value) : kv.update(k, value, revision);
    } catch (JetStreamApiException e) {
      if (!isConflict(e)) {
        throw failure(key, e, mark, writeSubject(k));
      }
      return null;
    } catch (IOException e) {
      throw failure(key, e, mark, writeSubject(k));
    }
  }

  private static @Nullable Long revisionOf(@Nullable KeyValueEntry entry) {
    return entry == null ? null : entry.getRevision();
  }

  @Override
  public SortedMap<String, Checkpoint> list() {
    TreeMap<String, Checkpoint> all = new TreeMap<>();
    for (String k : keys(">")) {
      if (k.indexOf('.') < 0) {
        KeyValueEntry entry = get(k);
        if (entry != null) {
          String key = TokenEncoding.decode(k);
          all.put(key, decode(key, entry));
        }
      }
    }
    return Collections.unmodifiableSortedMap(all);
  }

  @Override
  public void park(String key, ParkedEvent event) {
    Objects.requireNonNull(event, "event");
    put(key, parkedKey(key, event.position()), event);
  }

  /**
   * Writes the entry, then rewrites the checkpoint unchanged by compare-and-set on the revision
   * read before the entry: if that succeeds, no claim came in between. If a claim did, the entry
   * is removed again (a new owner's own entry for the same position, written within that window,
   * would go with it: it parks again when it gets there).
   */
  @Override
  public void park(String key, long epoch, ParkedEvent event) {
    Objects.requireNonNull(event, "event");
    String k = TokenEncoding.encode(Objects.requireNonNull(key, "key"));
    String parked = parkedKey(key, event.position());
    while (true) {
      KeyValueEntry entry = get(k);
      Checkpoint stored = entry == null ? null : decode(key, entry);
      if (entry == null || stored == null || stored.epoch() != epoch) {
        throw new CheckpointFencedException(key, epoch, stored == null ? "the checkpoint is gone"
            : "the bucket holds epoch " + stored.epoch() + "; the parked event was not recorded");
      }
      put(key, parked, event);
      PermissionViolations.Mark mark = PermissionViolations.mark(connection);
      try {
        revisions.put(k, kv.update(k, encode(stored), entry.getRevision()));
        return;
      } catch (JetStreamApiException e) {
        if (!isConflict(e)) {
          throw failure(key, e, mark, writeSubject(k));
        }
        KeyValueEntry now = get(k);
        if (now == null || decode(key, now).epoch() != epoch) {
          unpark(key, event.position());
          throw new CheckpointFencedException(key, epoch, "it was claimed while the event was"
              + " parked; the parked event was removed again");
        }
        // our own commit moved the revision: check again
      } catch (IOException e) {
        throw failure(key, e, mark, writeSubject(k));
      }
    }
  }

  private void put(String key, String k, ParkedEvent event) {
    Base64.Encoder b64 = Base64.getEncoder();
    String value = "v1 " + event.position() + " " + event.parkedAt() + " "
        + b64.encodeToString(event.eventId().getBytes(StandardCharsets.UTF_8)) + " "
        + b64.encodeToString(event.type().getBytes(StandardCharsets.UTF_8)) + " "
        + b64.encodeToString(event.actorId().getBytes(StandardCharsets.UTF_8)) + " "
        + b64.encodeToString(event.cause().getBytes(StandardCharsets.UTF_8));
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      kv.put(k, value.getBytes(StandardCharsets.US_ASCII));
    } catch (IOException | JetStreamApiException e) {
      throw failure(key, e, mark, writeSubject(k));
    }
  }

  @Override
  public List<ParkedEvent> parked(String key) {
    String prefix = PARKED + TokenEncoding.encode(Objects.requireNonNull(key, "key")) + ".";
    List<ParkedEvent> all = new ArrayList<>();
    for (String k : keys(prefix + "*")) {
      KeyValueEntry entry = get(k);
      if (entry != null) {
        all.add(decodeParked(key, k, entry));
      }
    }
    all.sort(Comparator.comparingLong(ParkedEvent::position));
    return List.copyOf(all);
  }

  @Override
  public boolean unpark(String key, long position) {
    String k = parkedKey(key, position);
    if (get(k) == null) {
      return false;
    }
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      kv.purge(k);
      return true;
    } catch (IOException | JetStreamApiException e) {
      throw failure(key, e, mark, writeSubject(k));
    }
  }

  private static String parkedKey(String key, long position) {
    return PARKED + TokenEncoding.encode(Objects.requireNonNull(key, "key")) + "." + position;
  }

  private ParkedEvent decodeParked(String key, String k, KeyValueEntry entry) {
    String text = new String(entry.getValue(), StandardCharsets.US_ASCII);
    try {
      String[] f = text.split(" ", -1);
      if (f.length != 7 || !f[0].equals("v1")) {
        throw new IllegalArgumentException("expected 7 fields starting with v1");
      }
      Base64.Decoder b64 = Base64.getDecoder();
      return new ParkedEvent(Long.parseLong(f[1]),
          new String(b64.decode(f[3]), StandardCharsets.UTF_8),
          new String(b64.decode(f[4]), StandardCharsets.UTF_8),
          new String(b64.decode(f[5]), StandardCharsets.UTF_8),
          new String(b64.decode(f[6]), StandardCharsets.UTF_8), Instant.parse(f[2]));
    } catch (RuntimeException e) {
      throw new IllegalStateException("parked event " + k + " of checkpoint '" + key
          + "' in bucket " + bucket + " could not be read (" + e.getMessage() + "); delete it", e);
    }
  }

  private List<String> keys(String filter) {
    try {
      return kv.keys(filter);
    } catch (JetStreamApiException e) {
      throw failure("*", e, PermissionViolations.mark(connection));
    } catch (IOException e) {
      throw new AetherTransientException("could not list the keys of bucket " + bucket + ": "
          + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AetherTransientException("interrupted while listing bucket " + bucket, e);
    }
  }

  private @Nullable KeyValueEntry get(String k) {
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      KeyValueEntry entry = kv.get(k);
      return entry == null || entry.getOperation() != KeyValueOperation.PUT ? null : entry;
    } catch (IOException | JetStreamApiException e) {
      throw failure(TokenEncoding.decode(k), e, mark,
          "$JS.API.DIRECT.GET.KV_" + bucket + "." + writeSubject(k),
          "$JS.API.DIRECT.GET.KV_" + bucket, "$JS.API.STREAM.MSG.GET.KV_" + bucket);
    }
  }

  private String writeSubject(String k) {
    return "$KV." + bucket + "." + k;
  }

  /** Only "wrong last sequence" is a lost compare-and-set; any other refusal is a failure. */
  private static boolean isConflict(JetStreamApiException e) {
    return JetStreamErrors.isWrongLastSequence(e.getApiErrorCode());
  }

  /**
   * Maps a failed KV request by its cause: no answer (timeout, disconnect) or a server that cannot
   * serve now (503, JetStream 10008) is transient; a publish the server refused for lack of
   * permission (reported to the connection since {@code mark}, for one of {@code subjects}) is a
   * {@link PermissionDeniedException}; any other error answer is non-transient, with the server's
   * codes in the message, since the same request will be refused again.
   */
  private RuntimeException failure(String key, Exception e, PermissionViolations.Mark mark,
      String... subjects) {
    String what = "checkpoint '" + key + "' in bucket " + bucket + " could not be read or written";
    if (e instanceof JetStreamApiException api) {
      if (api.getErrorCode() == 503
          || api.getApiErrorCode() == JetStreamErrors.TEMPORARILY_UNAVAILABLE) {
        return new AetherTransientException(what + ": " + e.getMessage(), e);
      }
      return new AetherNonTransientException(what + ": the server refused the request (status "
          + api.getErrorCode() + ", JetStream error " + api.getApiErrorCode() + ": "
          + api.getErrorDescription() + "); retrying will not help: check the bucket's"
          + " configuration (nats kv info " + bucket + ") and the NATS user's permissions", e);
    }
    Optional<PermissionDeniedException> refused = mark.refusal("read or write checkpoint '" + key
        + "' in bucket " + bucket, subjects);
    if (refused.isPresent()) {
      return refused.get();
    }
    return new AetherTransientException(what + ": " + e.getMessage(), e);
  }

  private static byte[] encode(Checkpoint c) {
    return (c.position() + " " + c.epoch()).getBytes(StandardCharsets.US_ASCII);
  }

  private Checkpoint decode(String key, KeyValueEntry entry) {
    String text = new String(entry.getValue(), StandardCharsets.US_ASCII);
    try {
      int space = text.indexOf(' ');
      return new Checkpoint(Long.parseLong(text.substring(0, space)),
          Long.parseLong(text.substring(space + 1)));
    } catch (RuntimeException e) {
      throw new IllegalStateException("checkpoint '" + key + "' in bucket " + bucket
          + " holds '" + text + "', not '<position> <epoch>'; reset it", e);
    }
  }
}
