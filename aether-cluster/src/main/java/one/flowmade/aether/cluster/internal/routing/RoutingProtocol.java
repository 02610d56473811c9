package one.flowmade.aether.cluster.internal.routing;

import one.flowmade.aether.nats.TokenEncoding;

/**
 * The wire protocol between a {@link one.flowmade.aether.cluster.ClusterRouter} and the node that
 * owns a shard: the shard subjects and the reply headers. Constants only.
 */
public final class RoutingProtocol {

  /** Reply header: {@link #STATUS_OK}, {@link #STATUS_MOVED} or {@link #STATUS_FAILED}. */
  public static final String STATUS_HEADER = "Aether-Status";
  /** Reply header: the id of the node that answered. */
  public static final String NODE_HEADER = "Aether-Node";
  /** Reply header: what went wrong, with {@link #STATUS_FAILED}. */
  public static final String ERROR_HEADER = "Aether-Error";
  /**
   * Request header: an id of one request, the same on each of its attempts, so that the owner
   * runs an attempt that arrives while an earlier one is still running there only once (see
   * {@link ShardEndpoint}). Routers before it sent none.
   */
  public static final String REQUEST_ID_HEADER = "Aether-Request-Id";
  /** The handler answered; the body is its reply. */
  public static final String STATUS_OK = "ok";
  /** The node does not own the shard (any more); try again. */
  public static final String STATUS_MOVED = "moved";
  /** The handler threw, or the request was not for this shard. */
  public static final String STATUS_FAILED = "error";

  private RoutingProtocol() {}

  /**
   * Returns the prefix of every shard subject of a cluster.
   *
   * @param clusterName the cluster
   * @return {@code aether.cluster.<cluster>.shard.}
   */
  public static String subjectPrefix(String clusterName) {
    return "aether.cluster." + clusterName + ".shard.";
  }

  /**
   * Returns the subject of a request to an actor.
   *
   * @param clusterName the cluster
   * @param shard the actor's shard
   * @param actorId the actor id, encoded with {@link TokenEncoding}
   * @return the subject
   */
  public static String subject(String clusterName, int shard, String actorId) {
    return subjectPrefix(clusterName) + shard + '.' + TokenEncoding.encode(actorId);
  }
}
