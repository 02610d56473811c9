package one.flowmade.aether;

import java.util.Optional;

/**
 * The latest snapshot of each actor of one namespace.
 *
 * <p>Implementations are thread-safe; methods block until the store answers. Errors are as for
 * {@link EventStore}.
 */
public interface SnapshotStore extends AutoCloseable {

  /**
   * Returns the namespace this store holds.
   *
   * @return the namespace
   */
  Namespace namespace();

  /**
   * Saves a snapshot if it is newer than the actor's latest one.
   *
   * @param snapshot the snapshot
   * @return true if it was saved; false if a snapshot of the same or a later version exists
   */
  boolean save(Snapshot snapshot);

  /**
   * Loads an actor's latest snapshot, in constant time.
   *
   * @param actorId the actor
   * @return the snapshot with the highest version saved, or empty
   */
  Optional<Snapshot> load(String actorId);

  /**
   * Saves like {@link #save(Snapshot)}, but gives up when {@code deadline} passes instead of at
   * the end of the store's own retry budget, whichever comes first. A store that blocks or
   * retries must override this; the default checks the deadline once, before saving.
   *
   * @param snapshot the snapshot
   * @param deadline when to give up
   * @return true if it was saved; false if a snapshot of the same or a later version exists
   * @throws StoreUnavailableException if the deadline passed first
   */
  default boolean save(Snapshot snapshot, Deadline deadline) {
    if (deadline.isExpired()) {
      throw new StoreUnavailableException("the deadline passed before saving the snapshot of"
          + " actor '" + snapshot.actorId() + "'", null);
    }
    return save(snapshot);
  }

  /**
   * Loads like {@link #load(String)}, but gives up when {@code deadline} passes instead of at the
   * end of the store's own retry budget, whichever comes first. A store that blocks or retries
   * must override this; the default checks the deadline once, before loading.
   *
   * @param actorId the actor
   * @param deadline when to give up
   * @return the snapshot with the highest version saved, or empty
   * @throws StoreUnavailableException if the deadline passed first
   */
  default Optional<Snapshot> load(String actorId, Deadline deadline) {
    if (deadline.isExpired()) {
      throw new StoreUnavailableException("the deadline passed before loading the snapshot of"
          + " actor '" + actorId + "'", null);
    }
    return load(actorId);
  }

  /**
   * Closes the store; later calls throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  void close();
}
