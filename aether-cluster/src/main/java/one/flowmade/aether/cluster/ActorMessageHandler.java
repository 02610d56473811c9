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
 * may reach the handler twice (on two successive owners, or on one node after it had answered
 * more than 2 s before; a retry that arrives while the first attempt still runs on the node, or
 * within 2 s of its reply, gets that reply and does not reach the handler). Make handling idempotent, for
 * example with the message id of an event append. A message the node's own router sends to a
 * shard this node serves runs here without going through NATS and is never sent twice by it; a
 * handler that throws an {@link Error} on it fails that request with an {@link
 * ActorRequestException} (over NATS such a request gets no reply and is sent again).
 *
 * <p>Fencing: the node calls {@link #handle(String, byte[], OwnedShard)}, which by default calls
 * {@link #handle(String, byte[])}. Override it to know the epoch in which this node acquired the
 * actor's shard and to check, on the membership lease's clock, that the node still owns it while
 * the handler runs ({@link OwnedShard#checkOwned()} before each write only the owner may make):
 * the node checks only when the request enters, and a handler may run past a lost lease (a long
 * pause) or into the shard's release. A handler that throws {@link ShardLostException} is
 * answered "moved", like a request that arrived after the release: the router sends it again to
 * the shard's owner (until its timeout), so nothing the handler did before the check may be a
 * write only the owner may make.
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

  /**
   * Handles one message, knowing the shard it is handled under; the node calls this one. By
   * default it calls {@link #handle(String, byte[])}.
   *
   * @param actorId the actor the message is for
   * @param payload the message body as sent
   * @param shard the actor's shard as this node holds it: its epoch, and whether the node still
   *     owns it ({@link OwnedShard#isOwned()})
   * @return the reply body; {@code null} replies with an empty body
   * @throws ShardLostException if the handler found the shard lost: the router sends the
   *     message to the new owner
   * @throws Exception to make the sender's request fail with an {@link ActorRequestException}
   */
  default byte[] handle(String actorId, byte[] payload, OwnedShard shard) throws Exception {
    return handle(actorId, payload);
  }
}
