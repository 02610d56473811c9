package one.flowmade.aether.cluster.internal.routing;

import org.jspecify.annotations.Nullable;

/**
 * The way a node's own router reaches the shards that node serves without the NATS hop: a request
 * for such a shard goes through the shard's gate (on the lease clock) to the node's message
 * handler on its handler executor, as a request that came over NATS does; only the request and
 * its reply do not travel through nats-server. Implementations are thread-safe.
 */
public interface LocalRoute {

  /**
   * Runs a request on this node if it serves the actor's shard now and has a handler executor.
   *
   * @param shard the actor's shard
   * @param actorId the actor
   * @param payload the message body
   * @param deadline when the caller gives up, on {@link System#nanoTime()}'s clock
   * @param answer told of the outcome once: on the handler executor's thread (or on the calling
   *     thread if the executor refuses the work), or, if the handler has not answered by the
   *     deadline, {@link Answer#expired()} on a node thread (within about 100 ms of it; then
   *     the handler's late answer is dropped)
   * @return true if the request entered the shard's gate here and {@code answer} will be told;
   *     false if this node does not serve the shard now (not owned, being released, the lease
   *     run out): send it over NATS
   */
  boolean tryRun(int shard, String actorId, byte[] payload, long deadline, Answer answer);

  /** The outcome of a request run locally. */
  interface Answer {

    /**
     * The request was answered.
     *
     * @param status {@link RoutingProtocol#STATUS_OK}, {@link RoutingProtocol#STATUS_MOVED} or
     *     {@link RoutingProtocol#STATUS_FAILED}
     * @param body the handler's reply with {@code STATUS_OK} (never null), else null
     * @param error what went wrong with {@code STATUS_FAILED}, else null
     * @param nodeId the node that answered
     */
    void answered(String status, byte @Nullable [] body, @Nullable String error, String nodeId);

    /**
     * The handler has not answered by the deadline. Called on a node thread: hand any further
     * work to another thread.
     */
    void expired();
  }
}
