package one.flowmade.aether.projection;

import java.sql.Connection;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * Where projections keep their checkpoints: the storage SPI behind {@link Projection}.
 *
 * <p>Fencing: {@link #claim} atomically increases the key's owner epoch and returns it; a
 * {@link Transaction} begun with an older epoch can no longer commit ({@link
 * CheckpointFencedException}), so a stale owner's late write is rejected. The contract suite
 * {@code one.flowmade.aether.testkit.projection.CheckpointStoreContract} checks every
 * implementation.
 *
 * <p>Implementations are thread-safe; methods block until the store answers and throw {@link
 * one.flowmade.aether.AetherTransientException} when it cannot be reached (retry later).
 */
public interface CheckpointStore {

  /**
   * Makes the caller the owner of a checkpoint: increases its epoch (creating it at position 0
   * if absent) and returns it. Instances that claimed before are fenced from then on.
   *
   * @param key the checkpoint key (a projection's name, or name and partition)
   * @return the checkpoint with the caller's new epoch
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: nothing
   *     changed; retry later
   * @throws IllegalStateException if the stored checkpoint cannot be read (not written by Aether):
   *     reset it
   */
  Checkpoint claim(String key);

  /**
   * Makes the caller the owner of a checkpoint under an epoch it got elsewhere — the assignment
   * epoch under which a cluster node acquired a shard, or a leader's fencing token — instead of
   * increasing the stored one: sets the epoch to {@code epoch} (creating the checkpoint at
   * position 0 if absent) if the store holds that epoch or a lower one. So a stale owner, whose
   * epoch is lower than the one the current owner claimed with, can neither claim nor commit.
   * Claiming again with the same epoch succeeds (the same owner starting again).
   *
   * @param key the checkpoint key
   * @param epoch the caller's epoch, at least 1
   * @return the checkpoint with the caller's epoch
   * @throws CheckpointFencedException if the store holds a higher epoch (nothing changed)
   * @throws IllegalArgumentException if the epoch is less than 1
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: nothing
   *     changed; retry later
   * @throws IllegalStateException if the stored checkpoint cannot be read (not written by Aether):
   *     reset it
   */
  Checkpoint claim(String key, long epoch);

  /**
   * Reads a checkpoint without claiming it.
   *
   * @param key the checkpoint key
   * @return the checkpoint, empty if none was ever claimed
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: retry
   *     later
   * @throws IllegalStateException if the stored checkpoint cannot be read (not written by Aether):
   *     reset it
   */
  Optional<Checkpoint> load(String key);

  /**
   * Sets a checkpoint's position, whoever owns it, and fences every current owner (the epoch
   * increases). For operators resetting a stopped projection.
   *
   * @param key the checkpoint key
   * @param position the new last committed position, 0 for none
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: nothing
   *     changed; retry later
   */
  void reset(String key, long position);

  /**
   * Lists every checkpoint this store holds, for operators ({@link Projections}).
   *
   * @return the checkpoints by key, in key order; a snapshot, not updated afterwards
   * @throws UnsupportedOperationException if this store cannot list (the default)
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: retry
   *     later
   * @throws IllegalStateException if the stored checkpoint cannot be read (not written by Aether):
   *     reset it
   */
  default SortedMap<String, Checkpoint> list() {
    throw new UnsupportedOperationException(getClass().getName() + " cannot list checkpoints;"
        + " implement CheckpointStore.list()");
  }

  /**
   * Records a parked event of a checkpoint's projection, in the store's medium, so that the
   * parking list survives a restart. Parking the same position again replaces the entry (a new
   * cause), so replaying a unit of work after a crash does not duplicate it.
   *
   * @param key the checkpoint key
   * @param event the parked event
   * @throws UnsupportedOperationException if this store keeps no parking list (the default)
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: the event
   *     is not parked; retry later
   */
  default void park(String key, ParkedEvent event) {
    throw noParking();
  }

  /**
   * Records a parked event as the owner of {@code epoch}: as {@link #park(String, ParkedEvent)},
   * but refused when the checkpoint no longer holds {@code epoch}, so that an owner that lost the
   * checkpoint (a stale cluster node waking up, an instance fenced by a second one) cannot add an
   * entry to its new owner's parking list. {@link Projection} parks only this way.
   *
   * <p>The default reads the checkpoint ({@link #load}) and then calls {@link #park(String,
   * ParkedEvent)}: a claim between the two goes unseen. The stores of this module override it so
   * that the entry is written only while the epoch holds (in memory: under the checkpoint's lock;
   * JDBC: in one transaction with the checkpoint row locked; KV: the entry is written, then the
   * checkpoint is rewritten unchanged by compare-and-set on the revision read before, and the
   * entry is removed again if a claim came in between).
   *
   * @param key the checkpoint key
   * @param epoch the epoch the caller claimed
   * @param event the parked event
   * @throws CheckpointFencedException if the checkpoint holds another epoch or is gone; nothing
   *     is parked and the caller must stop
   * @throws UnsupportedOperationException if this store keeps no parking list (the default)
   */
  default void park(String key, long epoch, ParkedEvent event) {
    Checkpoint c = load(key).orElse(null);
    if (c == null || c.epoch() != epoch) {
      throw new CheckpointFencedException(key, epoch, c == null ? "the checkpoint is gone"
          : "the store holds epoch " + c.epoch() + "; the parked event was not recorded");
    }
    park(key, event);
  }

  /**
   * Returns a checkpoint's parked events.
   *
   * @param key the checkpoint key
   * @return the parked events, oldest position first
   * @throws UnsupportedOperationException if this store keeps no parking list (the default)
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: retry
   *     later
   * @throws IllegalStateException if a stored parked event cannot be read: delete it
   */
  default List<ParkedEvent> parked(String key) {
    throw noParking();
  }

  /**
   * Removes one parked event (applied by a retry, or given up on).
   *
   * @param key the checkpoint key
   * @param position the parked event's position
   * @return true if it was in the list
   * @throws UnsupportedOperationException if this store keeps no parking list (the default)
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: retry
   *     later
   */
  default boolean unpark(String key, long position) {
    throw noParking();
  }

  /**
   * Removes every parked event of a checkpoint.
   *
   * @param key the checkpoint key
   * @return how many were removed
   * @throws UnsupportedOperationException if this store keeps no parking list (the default)
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: some may
   *     have been removed; retry later
   */
  default int clearParked(String key) {
    int n = 0;
    for (ParkedEvent p : parked(key)) {
      if (unpark(key, p.position())) {
        n++;
      }
    }
    return n;
  }

  private UnsupportedOperationException noParking() {
    return new UnsupportedOperationException(getClass().getName() + " keeps no parking list;"
        + " implement park, parked and unpark of CheckpointStore to use ErrorPolicy.park()");
  }

  /**
   * Begins a unit of work that ends by committing a new position for the checkpoint.
   *
   * @param key the checkpoint key
   * @param epoch the epoch the caller claimed
   * @return the transaction; close it to roll back an uncommitted one
   * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached (a JDBC
   *     store opens its connection here): retry later
   */
  Transaction begin(String key, long epoch);

  /**
   * A unit of work of one owner. Not thread-safe: used by one thread.
   */
  interface Transaction extends AutoCloseable {

    /**
     * Returns the JDBC connection whose transaction commits together with the checkpoint, for
     * stores that have one ({@link JdbcCheckpointStore}); handlers that write through it get
     * exactly-once effects.
     *
     * @return the connection, or empty for stores without transactions
     */
    default Optional<Connection> connection() {
      return Optional.empty();
    }

    /**
     * Returns the KV writes that commit together with the checkpoint in one atomic batch, for
     * stores that have them ({@link KvReadModel}); handlers that write through them get
     * exactly-once effects.
     *
     * @return the unit of work's KV writes, or empty for other stores
     */
    default Optional<KvBatch> kvBatch() {
      return Optional.empty();
    }

    /**
     * Writes the new position and commits.
     *
     * @param position the last position whose effects this unit of work holds
     * @throws CheckpointFencedException if another instance claimed the checkpoint (nothing is
     *     committed)
     * @throws one.flowmade.aether.AetherTransientException if the store cannot be reached: the unit
     *     of work is rolled back where the store has transactions; retry it from the last committed
     *     checkpoint
     * @throws IllegalStateException if the transaction already ended (a JDBC transaction that
     *     committed or rolled back)
     */
    void commit(long position);

    /** Rolls back an uncommitted unit of work and releases it. Idempotent. */
    @Override
    void close();
  }
}
