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
   * Decides whether to save a snapshot of an actor a host drops from its cache while idle
   * (passivation), so that its next load reads no events after the snapshot. The context's
   * {@code eventsAppended} is 0. By default: yes if any events were appended since the latest
   * snapshot; {@link #never()} says no.
   *
   * @param context the actor as cached
   * @return true to save a snapshot now
   */
  default boolean shouldSnapshotOnPassivation(Context context) {
    return context.eventsSinceSnapshot() > 0;
  }

  /**
   * Never snapshots, after commands nor at passivation.
   *
   * @return the policy
   */
  static SnapshotPolicy never() {
    return new SnapshotPolicy() {
      @Override
      public boolean shouldSnapshot(Context context) {
        return false;
      }

      @Override
      public boolean shouldSnapshotOnPassivation(Context context) {
        return false;
      }
    };
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
