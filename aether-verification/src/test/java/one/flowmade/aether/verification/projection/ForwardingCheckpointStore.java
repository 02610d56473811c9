package one.flowmade.aether.verification.projection;

import java.util.Optional;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.CheckpointStore;

/**
 * A checkpoint store that forwards what every store must implement to a delegate and leaves the
 * optional methods (list, parking) at the interface's defaults, as a user's minimal store does;
 * tests override what they change.
 */
abstract class ForwardingCheckpointStore implements CheckpointStore {
  protected final CheckpointStore delegate;

  ForwardingCheckpointStore(CheckpointStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public Checkpoint claim(String key) {
    return delegate.claim(key);
  }

  @Override
  public Checkpoint claim(String key, long epoch) {
    return delegate.claim(key, epoch);
  }

  @Override
  public Optional<Checkpoint> load(String key) {
    return delegate.load(key);
  }

  @Override
  public void reset(String key, long position) {
    delegate.reset(key, position);
  }

  @Override
  public Transaction begin(String key, long epoch) {
    return delegate.begin(key, epoch);
  }
}
