package one.flowmade.aether.nats.internal;

/**
 * The JetStream API error codes ({@code err_code}) Aether acts on, defined once for every NATS
 * module. Not instantiable.
 */
public final class JetStreamErrors {

  /** A JetStream request could not be served now (leader election, a busy server). */
  public static final int TEMPORARILY_UNAVAILABLE = 10008;
  /** The consumer does not exist (deleted, expired, or never created). */
  public static final int CONSUMER_NOT_FOUND = 10014;
  /** No message matches a get or direct-get. */
  public static final int NO_MESSAGE_FOUND = 10037;
  /** A stream of that name exists with another configuration. */
  public static final int STREAM_NAME_IN_USE = 10058;
  /** The stream does not exist. */
  public static final int STREAM_NOT_FOUND = 10059;
  /** {@code Nats-Expected-Last-Subject-Sequence} did not match: "wrong last sequence". */
  public static final int WRONG_LAST_SEQUENCE = 10071;
  /**
   * "Wrong last sequence" as R3 streams report it, also while an earlier write to the same subject
   * is still in flight (the expectation may have been right).
   */
  public static final int WRONG_LAST_SEQUENCE_IN_FLIGHT = 10164;
  /** An atomic batch was not committed as a whole (ADR-50). */
  public static final int BATCH_INCOMPLETE = 10176;
  /** A message of an atomic batch carries a {@code Nats-Msg-Id} the stream has already seen. */
  public static final int BATCH_DUPLICATE_MSG_ID = 10201;
  /** The server has too many atomic batches in flight. */
  public static final int BATCH_TOO_MANY_IN_FLIGHT = 10210;

  private JetStreamErrors() {}

  /**
   * Whether the code means "wrong last sequence", the optimistic-concurrency conflict: 10071, or
   * 10164 which R3 streams also return.
   *
   * @param errCode the JetStream API error code
   * @return whether it is a conflict
   */
  public static boolean isWrongLastSequence(int errCode) {
    return errCode == WRONG_LAST_SEQUENCE || errCode == WRONG_LAST_SEQUENCE_IN_FLIGHT;
  }
}
