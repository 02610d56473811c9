package one.flowmade.aether.projection;

/** Where a projection is in its life. */
public enum ProjectionState {
  /** Built, not started. */
  NEW,
  /** Reading events that existed when it started. */
  CATCHING_UP,
  /** Caught up; applying events as they are appended. */
  LIVE,
  /** Closed by its owner. */
  STOPPED,
  /** Stopped on its own by an error: see {@link ProjectionStatus#lastError()}. */
  FAILED
}
