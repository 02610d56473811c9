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
   * Closes the store; later calls throw {@link IllegalStateException}. Idempotent.
   */
  @Override
  void close();
}
