package one.flowmade.aether.actor;

import java.time.Instant;
import java.util.Objects;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.codec.StateCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When {@link ActorRepository} snapshots and how: asks the {@link SnapshotPolicy} after a command
 * and on passivation, and saves. A failed save is logged, never thrown: the events are the source
 * of truth and the actor loads from them. Without a snapshot store nothing is ever due.
 *
 * <p>Thread-safe (holds no mutable state); a save blocks on the snapshot store until the deadline.
 *
 * @param <S> the state type
 */
final class SnapshotSaver<S> {

  private static final Logger LOG = LoggerFactory.getLogger(ActorRepository.class);

  private final @Nullable SnapshotStore snapshotStore;
  private final @Nullable StateCodec<S> stateCodec;
  private final SnapshotPolicy policy;

  /**
   * @param snapshotStore the store, or null for none
   * @param stateCodec the state's codec, or null without a store
   * @param policy the policy (ignored without a store)
   */
  SnapshotSaver(@Nullable SnapshotStore snapshotStore, @Nullable StateCodec<S> stateCodec,
      SnapshotPolicy policy) {
    this.snapshotStore = snapshotStore;
    this.stateCodec = stateCodec;
    this.policy = policy;
  }

  /** Whether a snapshot is due after a command that appended {@code appended} events. */
  boolean due(ActorState<S> after, long lastSnapshotVersion, int appended) {
    return snapshotStore != null && appended > 0 && policy.shouldSnapshot(
        new SnapshotPolicy.Context(after, lastSnapshotVersion, appended));
  }

  /** Saves a snapshot after a command if the policy asks for one. */
  void afterCommand(ActorState<S> state, long lastSnapshotVersion, int appended,
      Deadline deadline) {
    if (snapshotStore == null
        || !policy.shouldSnapshot(
            new SnapshotPolicy.Context(state, lastSnapshotVersion, appended))) {
      return;
    }
    save(snapshotStore, state, deadline);
  }

  /** Saves a snapshot of a passivated actor if the policy asks for one; returns whether it did. */
  boolean onPassivation(ActorState<S> state, long lastSnapshotVersion, Deadline deadline) {
    if (snapshotStore == null || !policy.shouldSnapshotOnPassivation(
        new SnapshotPolicy.Context(state, lastSnapshotVersion, 0))) {
      return false;
    }
    save(snapshotStore, state, deadline);
    return true;
  }

  private void save(SnapshotStore store, ActorState<S> state, Deadline deadline) {
    StateCodec<S> codec = Objects.requireNonNull(stateCodec, "set with the snapshot store");
    try {
      store.save(new Snapshot(state.actorId(), state.version(), state.position(),
          Instant.now(), codec.encode(state.state())), deadline);
    } catch (RuntimeException e) {
      LOG.warn("could not save a snapshot of actor '{}' at version {}; the events are stored"
          + " and the actor loads from them", state.actorId(), state.version(), e);
    }
  }
}
