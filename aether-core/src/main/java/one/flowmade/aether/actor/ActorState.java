package one.flowmade.aether.actor;

import java.util.Objects;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;

/**
 * An actor's state as of a version. Immutable if {@code S} is; safe to share between threads then.
 *
 * @param actorId the actor
 * @param state the state after folding every event up to {@code version}
 * @param version the version of the last event folded in, 0 if none
 * @param position the position of that event, 0 if none or not known
 * @param <S> the state type
 */
public record ActorState<S>(String actorId, S state, long version, long position) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the actor id is invalid or a number is negative
   */
  public ActorState {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(state, "state");
    if (version < 0 || position < 0) {
      throw new IllegalArgumentException("version and position must not be negative, were "
          + version + " and " + position);
    }
  }

  /**
   * Returns the expectation an append decided on this state must carry.
   *
   * @return {@code ExpectedVersion.exactly(version())}
   */
  public ExpectedVersion expectedVersion() {
    return ExpectedVersion.exactly(version);
  }
}
