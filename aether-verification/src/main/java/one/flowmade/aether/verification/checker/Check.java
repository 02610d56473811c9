package one.flowmade.aether.verification.checker;

/**
 * The properties the {@link HistoryChecker} verifies. Each violation names one of them.
 */
public enum Check {
  /** Every event of an acknowledged append is stored. */
  LOST_ACKNOWLEDGED_APPEND("every event of an acknowledged append is stored"),
  /** An acknowledged append is stored at the versions it reported. */
  REPORTED_VERSIONS("an acknowledged append is stored at the versions it reported"),
  /** No event id is stored twice. */
  DUPLICATE_EVENT("no event is stored twice"),
  /** Every actor's versions are 1, 2, 3 … in stream order, without gaps or repeats. */
  CONTIGUOUS_VERSIONS("every actor's versions are 1, 2, 3 ... without gaps or repeats"),
  /** No event of an append reported failed is stored. */
  FAILED_APPEND_STORED("no event of an append reported failed is stored"),
  /** An append stores all its events, on its actor, at consecutive versions, or none. */
  ATOMIC_APPEND("an append stores all of its events at consecutive versions of its actor, or none"),
  /** Every stored event comes from a recorded append. */
  UNEXPLAINED_EVENT("every stored event comes from a recorded append"),
  /** An append with an expected version is stored right after that version. */
  EXPECTED_VERSION("an append is stored right after the version it expected"),
  /** Appends to one actor that do not overlap in time are stored in real-time order. */
  REAL_TIME_ORDER("appends to one actor that did not overlap in time are stored in that order"),
  /** A version conflict reports a version the actor really had while the append ran. */
  UNEXPLAINED_CONFLICT("a version conflict reports a version the actor had while the append ran"),
  /** A read returns a prefix of the actor's history that existed while it ran. */
  STALE_READ("a read returns the actor's events as they were at some moment while it ran"),
  /** A subscription delivers stored events, in order, without skipping any. */
  SUBSCRIPTION("a subscription delivers stored events in order without skipping any"),
  /** No two leader terms share a moment. */
  LEADER_OVERLAP("no two leader terms overlap in time"),
  /** A later term has a larger fencing token. */
  FENCING_TOKEN_ORDER("a later leader term has a larger fencing token"),
  /** A shard is acquired by at most one node per assignment epoch. */
  TWO_OWNERS_IN_EPOCH("no shard is acquired by two nodes in one assignment epoch"),
  /** No two processes own a shard at the same moment. */
  OWNERS_OVERLAP("no shard is owned by two processes at the same moment"),
  /** Hosted actors: one shard epoch's events of an actor come from one process. */
  ONE_WRITER_PER_EPOCH("an actor's events of one shard epoch are written by one process"),
  /** Hosted actors: no event of an older epoch follows one of a newer epoch. */
  EPOCH_ORDER("no owner writes an actor after a newer owner of its shard did"),
  /** Every shard is owned again after the faults stop. */
  ORPHAN_SHARD("every shard is owned again after the faults stop"),
  /** Projections: every stored event is applied at least once. */
  PROJECTION_NOT_APPLIED("every stored event is applied by the projection at least once"),
  /** Projections with exactly-once effects: every stored event is applied exactly once. */
  PROJECTION_APPLIED_TWICE("with exactly-once effects, every stored event is counted and recorded"
      + " applied exactly once"),
  /** Projections: every application is of a stored event, as stored. */
  PROJECTION_UNEXPLAINED_APPLY("every application is of a stored event, at its actor, version"
      + " and position"),
  /** Projections: an actor is applied in one partition. */
  PROJECTION_PARTITION("every actor is applied in one partition"),
  /** Projections: an actor's versions are applied in order. */
  PROJECTION_ORDER("an actor's versions are applied in order: none before its predecessor (a"
      + " replay may go back with at-least-once effects), each right after the one before with"
      + " exactly-once effects"),
  /** Projections: one node applies a partition per owner epoch. */
  PROJECTION_TWO_OWNERS("no partition is applied by two nodes in one owner epoch"),
  /** Projections with exactly-once effects: a stale owner commits nothing after a newer one. */
  PROJECTION_STALE_OWNER("with exactly-once effects, no application of an older epoch is"
      + " committed after one of a newer epoch of its partition");

  private final String promise;

  Check(String promise) {
    this.promise = promise;
  }

  /**
   * Returns the property, in words.
   *
   * @return what must hold
   */
  public String promise() {
    return promise;
  }
}
