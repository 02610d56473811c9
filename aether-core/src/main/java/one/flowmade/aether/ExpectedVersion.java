package one.flowmade.aether;

/**
 * What an append expects the actor's current version to be: the optimistic concurrency check.
 *
 * <p>{@link #any()} appends whatever the version; {@link #noStream()} only if the actor has no
 * events; {@link #exactly(long)} only if the actor's latest version is exactly {@code n}
 * ({@code exactly(0)} is {@code noStream()}). On a mismatch the store throws {@link
 * VersionConflictException} and stores nothing.
 *
 * <p>Instances are immutable and thread-safe.
 */
public sealed interface ExpectedVersion {

  /**
   * Appends whatever the actor's version is.
   *
   * @return the expectation
   */
  static ExpectedVersion any() {
    return Any.INSTANCE;
  }

  /**
   * Appends only if the actor has no events yet.
   *
   * @return the expectation
   */
  static ExpectedVersion noStream() {
    return NoStream.INSTANCE;
  }

  /**
   * Appends only if the actor's latest version is exactly {@code version}.
   *
   * @param version the expected latest version; 0 means the actor has no events
   * @return the expectation
   * @throws IllegalArgumentException if {@code version} is negative
   */
  static ExpectedVersion exactly(long version) {
    if (version < 0) {
      throw new IllegalArgumentException("expected version must not be negative, was " + version);
    }
    return version == 0 ? NoStream.INSTANCE : new Exactly(version);
  }

  /**
   * Returns whether an actor at {@code actualVersion} satisfies this expectation.
   *
   * @param actualVersion the actor's latest version, 0 when it has no events
   * @return true if an append may proceed
   */
  boolean matches(long actualVersion);

  /** Any version is accepted. */
  enum Any implements ExpectedVersion {
    /** The only instance. */
    INSTANCE;

    @Override
    public boolean matches(long actualVersion) {
      return true;
    }

    @Override
    public String toString() {
      return "any";
    }
  }

  /** The actor must have no events. */
  enum NoStream implements ExpectedVersion {
    /** The only instance. */
    INSTANCE;

    @Override
    public boolean matches(long actualVersion) {
      return actualVersion == 0;
    }

    @Override
    public String toString() {
      return "no stream";
    }
  }

  /**
   * The actor's latest version must be exactly {@code version}.
   *
   * @param version the expected latest version, at least 1
   */
  record Exactly(long version) implements ExpectedVersion {

    /**
     * Validates the version.
     *
     * @throws IllegalArgumentException if {@code version} is less than 1
     */
    public Exactly {
      if (version < 1) {
        throw new IllegalArgumentException(
            "exact expected version must be at least 1 (use noStream() for 0), was " + version);
      }
    }

    @Override
    public boolean matches(long actualVersion) {
      return actualVersion == version;
    }

    @Override
    public String toString() {
      return "exactly " + version;
    }
  }
}
