package one.flowmade.aether.cluster;

import one.flowmade.aether.AetherNonTransientException;

/**
 * This node no longer owns a shard it acquired ({@link OwnedShard#checkOwned()}): its membership
 * lease ran out or the shard is being released, so another node may own it now. Work for the
 * shard's actors must stop here; a routed request that fails with it can be sent again, the
 * router finds the new owner.
 */
public final class ShardLostException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  private final int shard;
  private final long epoch;

  /**
   * Creates the exception.
   *
   * @param shard the shard
   * @param epoch the epoch in which this node had acquired it
   */
  public ShardLostException(int shard, long epoch) {
    super("this node no longer owns shard " + shard + " (acquired in epoch " + epoch
        + "): its membership lease ran out or the shard is being released; another node may"
        + " own it now", null);
    this.shard = shard;
    this.epoch = epoch;
  }

  /**
   * Returns the shard.
   *
   * @return the shard
   */
  public int shard() {
    return shard;
  }

  /**
   * Returns the epoch in which this node had acquired the shard.
   *
   * @return the epoch
   */
  public long epoch() {
    return epoch;
  }
}
