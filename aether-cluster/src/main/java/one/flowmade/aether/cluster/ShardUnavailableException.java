package one.flowmade.aether.cluster;

import java.time.Duration;
import one.flowmade.aether.AetherTransientException;
import org.jspecify.annotations.Nullable;

/**
 * No owner of an actor's shard answered a request in time: the shard was being handed over, its
 * owner had failed and its membership had not expired yet, no node owned it (no member with a
 * handler), or NATS did not deliver. The message names the actor, the shard, how long the sender
 * tried, how many attempts it made and what the last attempt saw. The request may or may not have
 * been handled (at least once, see {@link ActorMessageHandler}); sending it again may succeed.
 */
public final class ShardUnavailableException extends AetherTransientException {

  private static final long serialVersionUID = 1L;

  /** The actor the request was for. */
  private final String actorId;
  /** The actor's shard. */
  private final int shard;
  /** How long the sender tried; not serialised. */
  private final transient Duration waited;

  /**
   * Creates the exception.
   *
   * @param actorId the actor
   * @param shard its shard
   * @param waited how long the sender tried
   * @param message the full description
   * @param cause the last attempt's failure, or null
   */
  public ShardUnavailableException(String actorId, int shard, Duration waited, String message,
      @Nullable Throwable cause) {
    super(message, cause);
    this.actorId = actorId;
    this.shard = shard;
    this.waited = waited;
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
   * Returns the actor's shard.
   *
   * @return the shard
   */
  public int shard() {
    return shard;
  }

  /**
   * Returns how long the sender tried.
   *
   * @return the time spent, or null after deserialisation
   */
  public Duration waited() {
    return waited;
  }
}
