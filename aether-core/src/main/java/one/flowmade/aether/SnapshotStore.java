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
   * @throws IllegalArgumentException if the snapshot is larger than the store accepts (the
   *     server's maximum payload): snapshot less state, or none for this actor
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing lost (the events are the truth); retry later or skip this snapshot
   * @throws PermissionDeniedException if the store's NATS user may not write the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherNonTransientException if the server refused the snapshot for good (the message
   *     says why): skip snapshots of this actor until the cause is fixed
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing lost; skip this snapshot
   * @throws IllegalStateException if the store is closed
   */
  boolean save(Snapshot snapshot);

  /**
   * Loads an actor's latest snapshot, in constant time.
   *
   * @param actorId the actor
   * @return the snapshot with the highest version saved, or empty
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits})
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     retry later, or load the actor from its events alone
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): load the actor from its events alone, or retry
   * @throws IllegalStateException if the store is closed
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
   * @throws StoreUnavailableException if the deadline passed first, or the store could not be
   *     reached before it: nothing lost (the events are the truth); skip this snapshot
   * @throws IllegalArgumentException if the snapshot is larger than the store accepts
   * @throws PermissionDeniedException if the store's NATS user may not write the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
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
   * @throws StoreUnavailableException if the deadline passed first, or the store could not be
   *     reached before it: retry later, or load the actor from its events alone
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits})
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
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
