package one.flowmade.aether.cluster;

/**
 * The shard a routed message is handled under, as this node holds it: the shard, the assignment
 * epoch in which this node acquired it (the {@code epoch} of {@link ShardListener#acquired}), and
 * whether this node still owns it now.
 *
 * <p>Ownership is answered on the membership lease's monotonic clock, not by the shard
 * callbacks: {@link #isOwned()} turns false as soon as the node's membership lease has run out
 * (before any other node can have acquired the shard, even if this node was paused and its
 * {@code released} callback has not run yet) or the shard's release has begun. Once false it
 * stays false; a later acquisition of the same shard by this node is another {@code OwnedShard}
 * with a newer epoch. So a handler that checks {@link #checkOwned()} right before each write it
 * must only make as owner (an append, a reply that claims ownership) never makes it after
 * another node could own the shard, up to the time between the check and the write; make that
 * write conditional too (an expected version, a checkpoint claim with {@link #epoch()}) to close
 * the rest.
 *
 * <p>Thread-safe; the methods do not block.
 */
public interface OwnedShard {

  /**
   * Returns the shard.
   *
   * @return the shard, from 0
   */
  int shard();

  /**
   * Returns the assignment epoch in which this node acquired the shard: a fencing token that
   * grows with every reassignment, usable with {@code CheckpointStore.claim(key, epoch)}.
   *
   * @return the epoch
   */
  long epoch();

  /**
   * Returns whether this node owns the shard now: the shard's release has not begun and the
   * membership lease it was acquired under is still valid on this process's monotonic clock.
   *
   * @return true while owned; once false, false forever
   */
  boolean isOwned();

  /**
   * Throws unless this node owns the shard now ({@link #isOwned()}).
   *
   * @throws ShardLostException if it does not: stop acting as owner; nothing done after this
   *     point is fenced
   */
  default void checkOwned() {
    if (!isOwned()) {
      throw new ShardLostException(shard(), epoch());
    }
  }
}
