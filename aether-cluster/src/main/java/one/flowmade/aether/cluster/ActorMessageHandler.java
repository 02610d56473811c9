package one.flowmade.aether.cluster;

/**
 * Answers the messages {@link ClusterRouter} sends to the actors of the shards a node owns.
 *
 * <p>A node calls it only while it owns the actor's shard, and a shard's release waits until the
 * calls in progress for it have returned. Calls for different actors may run concurrently when
 * the node has a {@link ClusterNode.Builder#handlerExecutor handler executor}; without one they
 * run one at a time on the node's NATS dispatcher thread. Implementations must be thread-safe in
 * the first case. Without an executor, a handler must not itself wait for a request routed to
 * this node (the reply would need the same dispatcher thread): give handlers that send requests
 * an executor.
 *
 * <p>Delivery is at least once: a sender whose attempt timed out tries again, so the same message
 * may reach the handler twice (possibly on two successive owners). Make handling idempotent, for
 * example with the message id of an event append.
 */
@FunctionalInterface
public interface ActorMessageHandler {

  /**
   * Handles one message.
   *
   * @param actorId the actor the message is for, whose shard this node owns
   * @param payload the message body as sent
   * @return the reply body; {@code null} replies with an empty body
   * @throws Exception to make the sender's request fail with an {@link ActorRequestException}
   *     that carries the exception's class and message
   */
  byte[] handle(String actorId, byte[] payload) throws Exception;
}
