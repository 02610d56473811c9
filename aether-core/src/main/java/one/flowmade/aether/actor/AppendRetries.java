package one.flowmade.aether.actor;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The retry rules of {@link ActorRepository}'s appends: an append that fails transiently is
 * retried with the same events (so they are stored at most once) until the deadline, and its
 * outcome is resolved: if any attempt's outcome was unknown the final failure is an {@link
 * AppendOutcomeUnknownException}, never a "nothing stored" error. Also the backoffs between
 * attempts, conflict retries' included.
 *
 * <p>Thread-safe (holds no mutable state); blocks on the store and in backoffs until the
 * deadline. An interrupted backoff restores the interrupt flag and throws {@link
 * AetherTransientException}.
 */
final class AppendRetries {

  private static final Logger LOG = LoggerFactory.getLogger(ActorRepository.class);

  /** The first wait before an append is retried after a transient failure: 10 ms. */
  static final Duration TRANSIENT_BACKOFF_FLOOR = Duration.ofMillis(10);

  /** The longest wait between retries of an append after transient failures: 1 s. */
  static final Duration TRANSIENT_BACKOFF_CAP = Duration.ofSeconds(1);

  private final EventStore eventStore;
  private final RetryPolicy retryPolicy;

  AppendRetries(EventStore eventStore, RetryPolicy retryPolicy) {
    this.eventStore = eventStore;
    this.retryPolicy = retryPolicy;
  }

  /** The retry policy's attempts: how often a conflicting command is decided in all. */
  int maxAttempts() {
    return retryPolicy.maxAttempts();
  }

  /**
   * Appends, riding out transient failures until the deadline.
   *
   * @throws one.flowmade.aether.VersionConflictException at once, on a conflict
   * @throws AetherTransientException by the deadline: {@link AppendOutcomeUnknownException} if
   *     any attempt may have stored the events, else the last failure
   */
  AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events,
      Deadline deadline) {
    @Nullable AetherTransientException unknown = null;
    for (int attempt = 1; ; attempt++) {
      try {
        return eventStore.append(actorId, expected, events, deadline);
      } catch (AetherTransientException e) {
        // Only "unavailable" promises that nothing was stored; any other transient failure
        // (outcome unknown, interrupted, ...) may have stored the events.
        if (!(e instanceof StoreUnavailableException) && unknown == null) {
          unknown = e;
        }
        if (deadline.isExpired()) {
          throw finalTransientFailure(actorId, events, attempt, e, unknown);
        }
        LOG.warn("transient failure appending to actor '{}' (attempt {}), retrying the same"
            + " events: {}", actorId, attempt, e.getMessage());
        try {
          backOffTransient(attempt, deadline);
        } catch (AetherTransientException interrupted) {
          // Interrupted while backing off: an earlier attempt may have stored the events, so
          // the failure is resolved like any other last failure (the flag stays set).
          throw finalTransientFailure(actorId, events, attempt, interrupted, unknown);
        }
        if (deadline.isExpired()) {
          throw finalTransientFailure(actorId, events, attempt, e, unknown);
        }
      }
    }
  }

  /** Backs off before deciding a conflicting command again: the retry policy's backoff. */
  void backOffConflict(int attempt, Deadline deadline) {
    sleepBounded(retryPolicy.backoff(attempt).toNanos(), deadline);
  }

  private static AetherTransientException finalTransientFailure(String actorId,
      List<NewEvent> events, int attempts, AetherTransientException last,
      @Nullable AetherTransientException unknown) {
    if (unknown == null || last instanceof AppendOutcomeUnknownException) {
      return last;
    }
    AppendOutcomeUnknownException failure = new AppendOutcomeUnknownException("could not find out"
        + " whether the append of " + events.size() + " event(s) to actor '" + actorId
        + "' (first id '" + events.get(0).id() + "') was stored: an earlier of " + attempts
        + " attempts had an unknown outcome (" + unknown.getMessage() + "), the last failed with: "
        + last.getMessage() + ". The events are stored at most once; execute the command again"
        + " with the same command id (or append the same events) to find out", last);
    if (unknown != last) {
      failure.addSuppressed(unknown);
    }
    return failure;
  }

  /**
   * Backs off before retrying an append after a transient failure: the policy's backoff, but at
   * least {@link #TRANSIENT_BACKOFF_FLOOR} doubling per attempt up to {@link
   * #TRANSIENT_BACKOFF_CAP}, so a store that keeps failing fast is never retried in a busy loop
   * (also with {@link RetryPolicy#none()}, whose backoff is zero).
   */
  private void backOffTransient(int attempt, Deadline deadline) {
    int doublings = Math.min(attempt - 1, 16);
    long floor = Math.min(TRANSIENT_BACKOFF_FLOOR.toNanos() << doublings,
        TRANSIENT_BACKOFF_CAP.toNanos());
    sleepBounded(Math.max(retryPolicy.backoff(attempt).toNanos(), floor), deadline);
  }

  private static void sleepBounded(long nanos, Deadline deadline) {
    long wait = Math.min(nanos, deadline.remainingNanos());
    try {
      TimeUnit.NANOSECONDS.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AetherTransientException("interrupted while backing off before a retry", e);
    }
  }
}
