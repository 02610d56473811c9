package one.flowmade.aether.projection;

/** Rules every {@link CheckpointStore} shares for claims with an epoch from elsewhere. */
final class Checkpoints {
  private Checkpoints() {}

  static void checkEpoch(long epoch) {
    if (epoch < 1) {
      throw new IllegalArgumentException("a claimed epoch must be at least 1, was " + epoch);
    }
  }

  static CheckpointFencedException higherEpoch(String key, long epoch, long stored) {
    return new CheckpointFencedException(key, epoch, "the store holds the higher epoch " + stored
        + " of a newer owner; this claim changed nothing");
  }
}
