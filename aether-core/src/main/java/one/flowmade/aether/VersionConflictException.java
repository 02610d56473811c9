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
