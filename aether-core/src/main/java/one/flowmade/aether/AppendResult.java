package one.flowmade.aether;

import java.util.Objects;

/**
 * What an append stored: the versions and positions of its events.
 *
 * <p>A retried append whose events were already stored returns the same result as the original.
 * Immutable and thread-safe.
 *
 * @param actorId the actor appended to
 * @param firstVersion the version of the first event appended
 * @param lastVersion the version of the last event appended: the actor's version afterwards
 * @param firstPosition the position of the first event
 * @param lastPosition the position of the last event
 */
public record AppendResult(
    String actorId, long firstVersion, long lastVersion, long firstPosition, long lastPosition) {

  /**
   * Validates the ranges.
   *
   * @throws IllegalArgumentException if a range is empty or starts below 1
   */
  public AppendResult {
    Objects.requireNonNull(actorId, "actorId");
    if (firstVersion < 1 || lastVersion < firstVersion) {
      throw new IllegalArgumentException(
          "invalid version range " + firstVersion + ".." + lastVersion);
    }
    if (firstPosition < 1 || lastPosition < firstPosition) {
      throw new IllegalArgumentException(
          "invalid position range " + firstPosition + ".." + lastPosition);
    }
  }

  /**
   * Returns the number of events appended.
   *
   * @return the count, at least 1
   */
  public int count() {
    return (int) (lastVersion - firstVersion + 1);
  }

  /**
   * Returns the expectation for the next append to this actor.
   *
   * @return {@code ExpectedVersion.exactly(lastVersion())}
   */
  public ExpectedVersion nextExpectedVersion() {
    return ExpectedVersion.exactly(lastVersion);
  }
}
