package one.flowmade.aether.projection;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The read-model writes of one unit of work of a projection on a {@link KvReadModel}: puts and
 * deletes of keys in the read model's bucket, staged in memory and committed together with the
 * projection's checkpoint in one atomic batch (ADR-50) when the unit of work commits, or not at
 * all — exactly-once effects without a database. A handler gets it from {@link
 * ProjectionContext#kvBatch()}.
 *
 * <p>{@link #get} sees the writes staged so far (a handler that reads a count, adds one and puts
 * it back sees its own earlier events of the unit), and otherwise reads the bucket through its
 * stream's leader, so a committed unit of work is always seen by the next one, also on three
 * replicas. Several writes of one key in a unit are one message: the last one wins.
 *
 * <p>Keys: one or more tokens of {@code A-Z a-z 0-9 - _ / =} separated by single dots, at most
 * {@value KvReadModel#MAX_KEY_LENGTH} characters, not starting with the reserved token {@code
 * _aether} (the checkpoints' and parking list's). Values: at most the bucket's maximum value size
 * and the server's maximum payload. A unit of work holds at most {@link
 * KvReadModel#maxBatchMessages()} minus one distinct keys (the last message is the checkpoint):
 * a projection that reaches it commits the events before the one that did and goes on in a new
 * batch; a single event that writes more fails with {@link IllegalStateException}.
 *
 * <p>Valid only during the handler call of its unit of work; not thread-safe.
 */
public interface KvBatch {

  /**
   * Returns a key's value as this unit of work sees it: its staged write if any, else the
   * committed value.
   *
   * @param key the key
   * @return the value, empty if absent, deleted or staged for deletion
   * @throws IllegalArgumentException if the key is not valid (see above)
   * @throws one.flowmade.aether.AetherTransientException if the bucket cannot be read now: the
   *     unit of work is retried
   */
  Optional<byte[]> get(String key);

  /**
   * Returns a key's value as UTF-8 text, as {@link #get} sees it.
   *
   * @param key the key
   * @return the value, empty if absent, deleted or staged for deletion
   * @throws IllegalArgumentException if the key is not valid
   * @throws one.flowmade.aether.AetherTransientException if the bucket cannot be read now
   */
  default Optional<String> getString(String key) {
    return get(key).map(v -> new String(v, StandardCharsets.UTF_8));
  }

  /**
   * Stages a put of {@code value} under {@code key}; it is stored when the unit of work commits.
   *
   * @param key the key
   * @param value the value (copied)
   * @throws IllegalArgumentException if the key is not valid or the value larger than the bucket
   *     or server allows
   * @throws IllegalStateException if this unit of work already holds as many keys as one atomic
   *     batch can take besides the checkpoint
   */
  void put(String key, byte[] value);

  /**
   * Stages a put of {@code value} as UTF-8.
   *
   * @param key the key
   * @param value the value
   * @throws IllegalArgumentException if the key is not valid or the value too large
   * @throws IllegalStateException if this unit of work already holds as many keys as one atomic
   *     batch can take besides the checkpoint
   */
  default void put(String key, String value) {
    put(key, value.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Stages a delete of {@code key} (a KV delete marker; {@link KvReadModel#keys()} no longer
   * lists it). Deleting an absent key is allowed and stores a marker.
   *
   * @param key the key
   * @throws IllegalArgumentException if the key is not valid
   * @throws IllegalStateException if this unit of work already holds as many keys as one atomic
   *     batch can take besides the checkpoint
   */
  void delete(String key);

  /**
   * Returns how many distinct keys this unit of work has staged.
   *
   * @return the number of staged writes
   */
  int size();
}
