package one.flowmade.aether.cluster.internal.routing;

/**
 * What a router's requests report to its meters. {@link #NONE} (no registry) does nothing and
 * loads no Micrometer class. Implementations are thread-safe and never throw.
 */
public interface RouterMeters {

  /** The meters of a router without a registry. */
  RouterMeters NONE = new RouterMeters() { };

  /** Retry reason: no node subscribed to the shard's subject (no owner at that moment). */
  String NO_RESPONDERS = "no_responders";
  /** Retry reason: the attempt got no reply within the attempt timeout. */
  String NO_REPLY = "no_reply";
  /** Retry reason: the node answered that it does not own the shard (any more). */
  String MOVED = "moved";
  /** Retry reason: the request could not be sent, or the attempt failed otherwise. */
  String SEND_FAILED = "send_failed";

  /** Outcome: the owner's handler replied. */
  String SUCCESS = "success";
  /** Outcome: no owner answered before the request's deadline ({@code ShardUnavailableException}). */
  String TIMEOUT = "timeout";
  /** Outcome: the owner's handler threw ({@code ActorRequestException}). */
  String HANDLER_ERROR = "handler_error";
  /** Outcome: the connection or the router's node is closed ({@code IllegalStateException}). */
  String CLOSED = "closed";
  /** Outcome: the caller cancelled the request (an interrupted {@code request}). */
  String CANCELLED = "cancelled";

  /**
   * An attempt is sent again.
   *
   * @param reason one of the retry reasons above
   */
  default void retried(String reason) {}

  /**
   * A request ended.
   *
   * @param outcome one of the outcomes above
   * @param nanos from the call to the end, every attempt and backoff included
   */
  default void finished(String outcome, long nanos) {}
}
