package one.flowmade.aether.verification.history;

/** How an operation ended, as its caller saw it. */
public enum Outcome {
  /** The operation succeeded and its result is known. */
  OK,
  /** The operation definitely took no effect. */
  FAILED,
  /**
   * The caller cannot know whether it took effect: it timed out, its connection was lost, or its
   * process died before it completed.
   */
  UNKNOWN
}
