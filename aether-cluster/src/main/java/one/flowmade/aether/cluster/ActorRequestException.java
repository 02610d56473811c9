package one.flowmade.aether.cluster;

import one.flowmade.aether.AetherNonTransientException;

/**
 * The owner of an actor received a request and its {@link ActorMessageHandler} threw. The message
 * names the actor, the node that answered and the handler's exception (its class and message; the
 * exception itself stays on the owner). Retrying sends the same message again.
 */
public final class ActorRequestException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  /** The actor the request was for. */
  private final String actorId;
  /** The node whose handler failed. */
  private final String nodeId;

  /**
   * Creates the exception.
   *
   * @param actorId the actor the request was for
   * @param nodeId the node whose handler failed
   * @param message what the handler reported
   */
  public ActorRequestException(String actorId, String nodeId, String message) {
    super("the handler on node " + nodeId + " failed for actor '" + actorId + "': " + message,
        null);
    this.actorId = actorId;
    this.nodeId = nodeId;
  }

  /**
   * Returns the actor the request was for.
   *
   * @return the actor id
   */
  public String actorId() {
    return actorId;
  }

  /**
   * Returns the node whose handler failed.
   *
   * @return the node id
   */
  public String nodeId() {
    return nodeId;
  }
}
