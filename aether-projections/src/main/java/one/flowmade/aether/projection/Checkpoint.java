package one.flowmade.aether.projection;

/**
 * A projection's stored progress: the position of the last event whose effects are committed,
 * and the owner epoch of the instance that may write it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param position the last committed position, 0 for none
 * @param epoch the owner epoch; every {@link CheckpointStore#claim claim} increases it
 */
public record Checkpoint(long position, long epoch) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if a field is negative
   */
  public Checkpoint {
    if (position < 0 || epoch < 0) {
      throw new IllegalArgumentException("checkpoint position and epoch must not be negative, were "
          + position + " and " + epoch);
    }
  }
}
