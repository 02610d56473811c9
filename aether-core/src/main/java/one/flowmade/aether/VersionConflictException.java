package one.flowmade.aether;

import java.util.Objects;

/**
 * An append's expected version did not match the actor's actual version; nothing was stored.
 *
 * <p>Retrying the same call fails the same way: reload the actor and decide again (the actor
 * abstraction does this for you).
 */
public final class VersionConflictException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  private final String actorId;
  private final transient ExpectedVersion expected;
  private final long actualVersion;
  private final int attempts;

  /**
   * Creates the exception.
   *
   * @param actorId the actor
   * @param expected what the append expected
   * @param actualVersion the actor's actual latest version (0 if it has no events)
   */
  public VersionConflictException(String actorId, ExpectedVersion expected, long actualVersion) {
    super("version conflict on actor '" + actorId + "': expected " + expected
        + ", actual version " + actualVersion, null);
    this.actorId = Objects.requireNonNull(actorId, "actorId");
    this.expected = Objects.requireNonNull(expected, "expected");
    this.actualVersion = actualVersion;
    this.attempts = 1;
  }

  private VersionConflictException(VersionConflictException last, int attempts) {
    super("gave up after " + attempts + " attempts, each refused by a concurrent writer: "
        + last.getMessage(), last);
    this.actorId = last.actorId;
    this.expected = last.expected;
    this.actualVersion = last.actualVersion;
    this.attempts = attempts;
  }

  /**
   * Returns the conflict a caller that retried reports when it gives up: same actor, expected and
   * actual version as the last attempt's conflict (its cause), with a message that says how many
   * attempts were made.
   *
   * @param last the conflict of the last attempt
   * @param attempts how many attempts were made, at least 1
   * @return the exception to throw
   * @throws IllegalArgumentException if {@code attempts} is less than 1
   */
  public static VersionConflictException afterAttempts(VersionConflictException last,
      int attempts) {
    Objects.requireNonNull(last, "last");
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
    }
    return new VersionConflictException(last, attempts);
  }

  /**
   * Returns how many attempts ended in a conflict before this was thrown: 1 for a store's
   * conflict, more when a caller such as the actor repository retried and gave up.
   *
   * @return the number of attempts
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Returns the actor appended to.
   *
   * @return the actor id
   */
  public String actorId() {
    return actorId;
  }

  /**
   * Returns what the append expected.
   *
   * @return the expected version
   */
  public ExpectedVersion expected() {
    return expected;
  }

  /**
   * Returns the actor's actual latest version when the append was refused.
   *
   * @return the actual version, 0 if the actor had no events
   */
  public long actualVersion() {
    return actualVersion;
  }
}
