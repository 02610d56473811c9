package one.flowmade.aether.projection;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
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
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.nats.TokenEncoding;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;
import org.jspecify.annotations.Nullable;

/**
 * The checkpoints and parking list of one KV bucket, for {@link KvCheckpointStore} and {@link
 * KvReadModel}: a checkpoint is the value {@code <position> <epoch>} under {@code
 * <checkpointPrefix><encoded key>}, a parked event one value under {@code <parkedPrefix><encoded
 * key>.<position>}. Every checkpoint write is a compare-and-set on the key's revision, so a claim
 * by another instance fences this one. Thread-safe; methods block for one or two KV requests.
 * Failures map as {@link KvCheckpointStore} documents.
 */
final class KvCheckpoints {

  /**
   * Writes a checkpoint's new value by compare-and-set on its revision: how a commit reaches the
   * bucket (a plain KV update, or the last message of an atomic batch).
   */
  @FunctionalInterface
  interface CasWrite {
    /**
     * Writes {@code value} under {@code k} if it is still at {@code revision}.
     *
     * @return the checkpoint's new revision, or null if another writer changed it first (then
     *     nothing was stored)
     */
    @Nullable Long write(String key, String k, long revision, byte[] value);
  }

  private final Connection connection;
  private final KeyValue kv;
  private final String bucket;
  private final String checkpointPrefix;
  private final String parkedPrefix;
  private final ConcurrentHashMap<String, Long> revisions = new ConcurrentHashMap<>();

  KvCheckpoints(Connection connection, KeyValue kv, String bucket, String checkpointPrefix,
      String parkedPrefix) {
    this.connection = connection;
    this.kv = kv;
    this.bucket = bucket;
    this.checkpointPrefix = checkpointPrefix;
    this.parkedPrefix = parkedPrefix;
  }

  /** Returns the KV key a checkpoint is kept under. */
  String checkpointKey(String key) {
    return checkpointPrefix + TokenEncoding.encode(Objects.requireNonNull(key, "key"));
  }

  Checkpoint claim(String key) {
    return claimAs(key, 0);
  }

  Checkpoint claim(String key, long epoch) {
    Checkpoints.checkEpoch(epoch);
    return claimAs(key, epoch);
  }

  /** Claims with {@code epoch}, or with the stored epoch plus one when it is 0. */
  private Checkpoint claimAs(String key, long epoch) {
    String k = checkpointKey(key);
    while (true) {
      KeyValueEntry entry = get(key, k);
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

  Optional<Checkpoint> load(String key) {
    String k = checkpointKey(key);
    KeyValueEntry entry = get(key, k);
    return entry == null ? Optional.empty() : Optional.of(decode(key, entry));
  }

  void reset(String key, long position) {
    String k = checkpointKey(key);
    while (true) {
      KeyValueEntry entry = get(key, k);
      long epoch = entry == null ? 1 : decode(key, entry).epoch() + 1;
      if (compareAndSet(key, k, revisionOf(entry), encode(new Checkpoint(position, epoch)))
          != null) {
        return;
      }
    }
  }

  /** Commits {@code position} as the owner of {@code epoch} by plain compare-and-set. */
  void commit(String key, long epoch, long position) {
    commit(key, epoch, position, (ky, k, revision, value) -> compareAndSet(ky, k, revision, value));
  }

  /**
   * Commits {@code position} as the owner of {@code epoch} through {@code write}: with the
   * revision this instance last wrote, else the stored one after checking that it holds {@code
   * epoch}; a lost compare-and-set is checked again the same way, so a claim by another owner ends
   * in {@link CheckpointFencedException} with nothing written.
   */
  void commit(String key, long epoch, long position, CasWrite write) {
    commit(key, epoch, position, write, false);
  }

  /**
   * Commits as {@link #commit(String, long, long, CasWrite)}, for a unit of work whose effects go
   * with the checkpoint: once a compare-and-set was lost and the checkpoint holds {@code epoch} at
   * {@code position} or past it, an earlier attempt of this owner (whose outcome was unknown to
   * it) has committed these effects already, and nothing is written again.
   *
   * @return true if written, false if found committed already
   */
  boolean commitOnce(String key, long epoch, long position, CasWrite write) {
    return commit(key, epoch, position, write, true);
  }

  private boolean commit(String key, long epoch, long position, CasWrite write, boolean once) {
    String k = checkpointKey(key);
    Long revision = revisions.get(k);
    boolean lost = false;
    while (true) {
      if (revision == null) {
        KeyValueEntry entry = get(key, k);
        Checkpoint stored = entry == null ? null : decode(key, entry);
        if (entry == null || stored == null || stored.epoch() != epoch) {
          throw new CheckpointFencedException(key, epoch, stored == null
              ? "the checkpoint is gone" : "the bucket holds epoch " + stored.epoch());
        }
        if (once && lost && stored.position() >= position) {
          revisions.put(k, entry.getRevision());
          return false;
        }
        revision = entry.getRevision();
      }
      revision = write.write(key, k, revision, encode(new Checkpoint(position, epoch)));
      if (revision != null) {
        revisions.put(k, revision);
        return true;
      }
      lost = true;
      // someone wrote: check who before trying again
    }
  }

  /**
   * Writes {@code value} under {@code k} if the key is still at {@code revision}, or creates it
   * if {@code revision} is null.
   *
   * @return the new revision, or null if another writer changed the key first
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

  SortedMap<String, Checkpoint> list() {
    TreeMap<String, Checkpoint> all = new TreeMap<>();
    for (String k : keys(checkpointPrefix + "*")) {
      String key = TokenEncoding.decode(k.substring(checkpointPrefix.length()));
      KeyValueEntry entry = get(key, k);
      if (entry != null) {
        all.put(key, decode(key, entry));
      }
    }
    return Collections.unmodifiableSortedMap(all);
  }

  void park(String key, ParkedEvent event) {
    Objects.requireNonNull(event, "event");
    put(key, parkedKey(key, event.position()), event);
  }

  /**
   * Writes the entry, then rewrites the checkpoint unchanged by compare-and-set on the revision
   * read before the entry: if that succeeds, no claim came in between. If a claim did, the entry
   * is removed again (a new owner's own entry for the same position, written within that window,
   * would go with it: it parks again when it gets there).
   */
  void park(String key, long epoch, ParkedEvent event) {
    Objects.requireNonNull(event, "event");
    String k = checkpointKey(key);
    String parked = parkedKey(key, event.position());
    while (true) {
      KeyValueEntry entry = get(key, k);
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
        KeyValueEntry now = get(key, k);
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

  List<ParkedEvent> parked(String key) {
    String prefix = parkedPrefix + TokenEncoding.encode(Objects.requireNonNull(key, "key")) + ".";
    List<ParkedEvent> all = new ArrayList<>();
    for (String k : keys(prefix + "*")) {
      KeyValueEntry entry = get(key, k);
      if (entry != null) {
        all.add(decodeParked(key, k, entry));
      }
    }
    all.sort(Comparator.comparingLong(ParkedEvent::position));
    return List.copyOf(all);
  }

  boolean unpark(String key, long position) {
    String k = parkedKey(key, position);
    if (get(key, k) == null) {
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

  private String parkedKey(String key, long position) {
    return parkedPrefix + TokenEncoding.encode(Objects.requireNonNull(key, "key")) + "."
        + position;
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

  /** Returns the keys matching a KV filter ({@code *} and {@code >} allowed). */
  List<String> keys(String filter) {
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

  /** Returns the current entry of {@code k}, or null if absent or deleted. */
  @Nullable KeyValueEntry get(String key, String k) {
    PermissionViolations.Mark mark = PermissionViolations.mark(connection);
    try {
      KeyValueEntry entry = kv.get(k);
      return entry == null || entry.getOperation() != KeyValueOperation.PUT ? null : entry;
    } catch (IOException | JetStreamApiException e) {
      throw failure(key, e, mark,
          "$JS.API.DIRECT.GET.KV_" + bucket + "." + writeSubject(k),
          "$JS.API.DIRECT.GET.KV_" + bucket, "$JS.API.STREAM.MSG.GET.KV_" + bucket);
    }
  }

  String writeSubject(String k) {
    return "$KV." + bucket + "." + k;
  }

  /** Only "wrong last sequence" is a lost compare-and-set; any other refusal is a failure. */
  static boolean isConflict(JetStreamApiException e) {
    return JetStreamErrors.isWrongLastSequence(e.getApiErrorCode());
  }

  /**
   * Maps a failed KV request by its cause: no answer (timeout, disconnect) or a server that cannot
   * serve now (503, JetStream 10008) is transient; a publish the server refused for lack of
   * permission (reported to the connection since {@code mark}, for one of {@code subjects}) is a
   * {@link PermissionDeniedException}; any other error answer is non-transient, with the server's
   * codes in the message, since the same request will be refused again.
   */
  RuntimeException failure(String key, Exception e, PermissionViolations.Mark mark,
      String... subjects) {
    return failure("checkpoint '" + key + "' in bucket " + bucket + " could not be read or written",
        "read or write checkpoint '" + key + "' in bucket " + bucket, e, mark, subjects);
  }

  /**
   * Maps a failed request as {@link #failure(String, Exception, PermissionViolations.Mark,
   * String...)} does, saying {@code what} failed ({@code doing}: what was being done, for a
   * permission refusal).
   */
  RuntimeException failure(String what, String doing, Exception e,
      PermissionViolations.Mark mark, String... subjects) {
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
    Optional<PermissionDeniedException> refused = mark.refusal(doing, subjects);
    if (refused.isPresent()) {
      return refused.get();
    }
    return new AetherTransientException(what + ": " + e.getMessage(), e);
  }

  static byte[] encode(Checkpoint c) {
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
