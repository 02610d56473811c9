package one.flowmade.aether.actor;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Decides after each successful command whether to save a snapshot of the actor's new state.
 * Implementations must be thread-safe and cheap.
 */
@FunctionalInterface
public interface SnapshotPolicy {

  /**
   * What the policy sees after a command.
   *
   * @param state the actor's new state
   * @param lastSnapshotVersion the version of the latest snapshot known, 0 if none
   * @param eventsAppended how many events the command appended
   */
  record Context(ActorState<?> state, long lastSnapshotVersion, int eventsAppended) {

    /**
     * Returns how many events were appended since the latest snapshot.
     *
     * @return the count
     */
    public long eventsSinceSnapshot() {
      return state.version() - lastSnapshotVersion;
    }
  }

  /**
   * Decides.
   *
   * @param context the actor after the command
   * @return true to save a snapshot now
   */
  boolean shouldSnapshot(Context context);

  /**
   * Never snapshots.
   *
   * @return the policy
   */
  static SnapshotPolicy never() {
    return context -> false;
  }

  /**
   * Snapshots once at least {@code n} events were appended since the latest snapshot.
   *
   * @param n the interval, at least 1
   * @return the policy
   * @throws IllegalArgumentException if {@code n} is less than 1
   */
  static SnapshotPolicy everyEvents(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("snapshot interval must be at least 1, was " + n);
    }
    return context -> context.eventsSinceSnapshot() >= n;
  }

  /**
   * Snapshots when a predicate on the context holds.
   *
   * @param predicate the predicate
   * @return the policy
   */
  static SnapshotPolicy when(Predicate<Context> predicate) {
    Objects.requireNonNull(predicate, "predicate");
    return predicate::test;
  }
}
