package one.flowmade.aether.projection;

import one.flowmade.aether.AetherNonTransientException;

/**
 * A checkpoint write was rejected because another instance claimed the checkpoint since this one
 * did: this instance is a stale owner and must stop processing. Not transient: retrying the
 * same write can never succeed.
 */
public class CheckpointFencedException extends AetherNonTransientException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param key the checkpoint key
   * @param epoch the epoch this instance holds
   * @param detail what the store found instead
   */
  public CheckpointFencedException(String key, long epoch, String detail) {
    super("checkpoint '" + key + "' was claimed by another instance (this one holds epoch " + epoch
        + ", " + detail + "); this instance is fenced and must stop", null);
  }
}
