package one.flowmade.aether;

import java.time.Duration;
import java.util.Optional;

/**
 * A running subscription to a namespace's events: catches up from its start position, then
 * delivers new events as they are appended, in position order, at least once.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and waits (bounded) for a handler call in
 * progress to return; no handler call starts after it returns.
 */
public interface EventSubscription extends AutoCloseable {

  /**
   * Returns the name of a durable subscription.
   *
   * @return the durable name, or empty for an ephemeral subscription
   */
  Optional<String> name();

  /**
   * Returns the position of the last event the handler returned from (0 if none yet).
   *
   * @return the last handled position
   */
  long lastPosition();

  /**
   * Returns whether the subscription has caught up and is delivering live events.
   *
   * @return true once live
   */
  boolean isLive();

  /**
   * Waits until the subscription is live.
   *
   * @param timeout how long to wait at most
   * @return true if it is live, false if the timeout passed first or it stopped
   * @throws InterruptedException if interrupted while waiting
   */
  boolean awaitLive(Duration timeout) throws InterruptedException;

  /**
   * Returns whether the subscription still delivers: false after {@link #close()} or a failure.
   *
   * @return true while active
   */
  boolean isActive();

  /**
   * Returns why the subscription stopped on its own, if it did.
   *
   * @return the handler's exception or the store's error that stopped it
   */
  Optional<Throwable> failure();

  /** Stops delivery and releases the subscription's resources. Idempotent. */
  @Override
  void close();
}
