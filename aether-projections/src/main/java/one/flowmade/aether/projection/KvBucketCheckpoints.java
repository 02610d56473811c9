package one.flowmade.aether.projection;

import java.util.List;
import java.util.Optional;
import java.util.SortedMap;

/**
 * The {@link CheckpointStore} methods both KV stores answer alike, from their bucket's {@link
 * KvCheckpoints}: claims, loads, resets, the listing and the parking list. Thread-safe.
 */
abstract class KvBucketCheckpoints implements CheckpointStore {
  final KvCheckpoints checkpoints;

  KvBucketCheckpoints(KvCheckpoints checkpoints) {
    this.checkpoints = checkpoints;
  }

  @Override
  public Checkpoint claim(String key) {
    return checkpoints.claim(key);
  }

  @Override
  public Checkpoint claim(String key, long epoch) {
    return checkpoints.claim(key, epoch);
  }

  @Override
  public Optional<Checkpoint> load(String key) {
    return checkpoints.load(key);
  }

  @Override
  public void reset(String key, long position) {
    checkpoints.reset(key, position);
  }

  @Override
  public SortedMap<String, Checkpoint> list() {
    return checkpoints.list();
  }

  @Override
  public void park(String key, ParkedEvent event) {
    checkpoints.park(key, event);
  }

  /**
   * Writes the entry, then rewrites the checkpoint unchanged by compare-and-set on the revision
   * read before the entry: if that succeeds, no claim came in between. If a claim did, the entry
   * is removed again (a new owner's own entry for the same position, written within that window,
   * would go with it: it parks again when it gets there).
   */
  @Override
  public void park(String key, long epoch, ParkedEvent event) {
    checkpoints.park(key, epoch, event);
  }

  @Override
  public List<ParkedEvent> parked(String key) {
    return checkpoints.parked(key);
  }

  @Override
  public boolean unpark(String key, long position) {
    return checkpoints.unpark(key, position);
  }
}
