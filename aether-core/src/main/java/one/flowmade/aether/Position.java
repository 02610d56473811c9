package one.flowmade.aether;

/**
 * Where a read or a subscription of a namespace starts, in the namespace's global order.
 *
 * <p>Positions are the namespace stream's sequence numbers and start at 1. Instances are
 * immutable and thread-safe.
 */
public sealed interface Position {

  /**
   * The first event of the namespace.
   *
   * @return the position of the first event
   */
  static Position beginning() {
    return At.FIRST;
  }

  /**
   * The event at {@code position} (inclusive), or the next one after it if it does not exist.
   *
   * @param position a position, at least 1
   * @return the position
   * @throws IllegalArgumentException if {@code position} is less than 1
   */
  static Position at(long position) {
    return position == 1 ? At.FIRST : new At(position);
  }

  /**
   * The first event after {@code position}: use it to resume after the last event handled.
   *
   * @param position a position already handled, 0 for none
   * @return the position after it
   * @throws IllegalArgumentException if {@code position} is negative
   */
  static Position after(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position must not be negative, was " + position);
    }
    return at(position + 1);
  }

  /**
   * Only events appended after the read or subscription starts.
   *
   * @return the end position
   */
  static Position end() {
    return End.INSTANCE;
  }

  /**
   * A concrete position, inclusive.
   *
   * @param position the position, at least 1
   */
  record At(long position) implements Position {
    static final At FIRST = new At(1);

    /**
     * Validates the position.
     *
     * @throws IllegalArgumentException if {@code position} is less than 1
     */
    public At {
      if (position < 1) {
        throw new IllegalArgumentException("position must be at least 1, was " + position);
      }
    }
  }

  /** The end of the namespace at the time the read or subscription starts. */
  enum End implements Position {
    /** The only instance. */
    INSTANCE
  }
}
