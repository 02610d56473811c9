package one.flowmade.aether;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;

/**
 * The events of one namespace: the source of truth.
 *
 * <p>Every implementation keeps these promises (the contract suite in {@code aether-testkit}
 * checks them):
 * <ul>
 *   <li>An append stores all its events or none. Versions per actor are contiguous from 1;
 *       positions are the namespace's global order.
 *   <li>The expected version is checked atomically with the write; on a mismatch a {@link
 *       VersionConflictException} names the actor, the expected and the actual version.
 *   <li>Appending events whose ids are already stored for the actor (a retry) stores nothing new
 *       and returns the original result.
 *   <li>An acknowledged append is visible to every read that starts after the acknowledgement.
 *   <li>A stored message that cannot be decoded is reported to the reader ({@link ReadResult},
 *       {@link EventHandler#onUndecodable}); reads and subscriptions go on past it.
 * </ul>
 *
 * <p>Implementations are thread-safe. Blocking methods block the calling thread until the store
 * answers; {@code Async} twins return at once. Errors are {@link AetherException}s: transient
 * ones ({@link AetherTransientException}) may be retried as they are; an invalid argument is an
 * {@link IllegalArgumentException}; use after {@link #close()} is an {@link
 * IllegalStateException}.
 */
public interface EventStore extends AutoCloseable {

  /**
   * Returns the namespace this store holds.
   *
   * @return the namespace
   */
  Namespace namespace();

  /**
   * Appends events to an actor, atomically, if its version matches.
   *
   * @param actorId the actor
   * @param expected the expected current version
   * @param events 1 to {@link Limits#MAX_EVENTS_PER_APPEND} events
   * @return the versions and positions stored
   * @throws VersionConflictException if the actor's version does not match {@code expected}:
   *     nothing stored; reload the actor, decide again and append with the new version
   * @throws IllegalArgumentException if the actor id or the events are invalid (nothing stored):
   *     fix the call
   * @throws AppendOutcomeUnknownException if the outcome could not be determined (also when the
   *     calling thread is interrupted while waiting; the interrupt flag is set again): the events
   *     are stored exactly once or not at all; retry the same append (same event ids, same
   *     expectation) to find out
   * @throws StoreUnavailableException if the store could not be reached and nothing was stored:
   *     retry later
   * @throws PermissionDeniedException if the store's NATS user may not publish to the actor's
   *     subject: a deployment error, retrying does not help
   * @throws AetherNonTransientException if the server refused the append for good (the message
   *     says why): retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events);

  /**
   * Appends one event to an actor if its version matches.
   *
   * @param actorId the actor
   * @param expected the expected current version
   * @param event the event
   * @return the version and position stored
   * @throws VersionConflictException if the actor's version does not match {@code expected}:
   *     reload the actor, decide again and append with the new version
   * @throws IllegalArgumentException if the actor id or the event is invalid (nothing stored)
   * @throws AetherTransientException if the store could not be reached or the outcome could not
   *     be determined ({@link StoreUnavailableException}, {@link AppendOutcomeUnknownException});
   *     retrying with the same event is safe
   * @throws PermissionDeniedException if the store's NATS user may not publish to the actor's
   *     subject: a deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   * @see #append(String, ExpectedVersion, List)
   */
  default AppendResult append(String actorId, ExpectedVersion expected, NewEvent event) {
    return append(actorId, expected, List.of(event));
  }

  /**
   * Appends like {@link #append(String, ExpectedVersion, List)}, but gives up when {@code
   * deadline} passes instead of at the end of the store's own retry budget, whichever comes
   * first. A store that blocks or retries must override this to honour the deadline; the default
   * checks it once, before the append, which is right for a store that never blocks.
   *
   * @param actorId the actor
   * @param expected the expected current version
   * @param events 1 to {@link Limits#MAX_EVENTS_PER_APPEND} events
   * @param deadline when to give up
   * @return the versions and positions stored
   * @throws VersionConflictException if the actor's version does not match {@code expected}
   * @throws StoreUnavailableException if the deadline passed before anything was sent: nothing
   *     was stored
   * @throws AppendOutcomeUnknownException if the deadline passed while the outcome was open; the
   *     same append (same event ids) is safe to retry
   * @throws IllegalArgumentException if the actor id or the events are invalid: fix the call
   * @throws PermissionDeniedException if the store's NATS user may not publish to the actor's
   *     subject: a deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   * @see #append(String, ExpectedVersion, List)
   */
  default AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events,
      Deadline deadline) {
    if (deadline.isExpired()) {
      throw new StoreUnavailableException("the deadline passed before the append to actor '"
          + actorId + "' started; nothing was stored", null);
    }
    return append(actorId, expected, events);
  }

  /**
   * Appends events without blocking; the future completes as {@link #append} would return or
   * throw. Appends to different actors may be in flight at the same time; appends to one actor
   * complete in the order they were made.
   *
   * @param actorId the actor
   * @param expected the expected current version
   * @param events 1 to {@link Limits#MAX_EVENTS_PER_APPEND} events
   * @return a future of the result; it fails with what {@link #append(String, ExpectedVersion,
   *     List)} would throw ({@link VersionConflictException}: decide again; {@link
   *     AetherTransientException}: the same append may be retried; {@link
   *     PermissionDeniedException}: fix the user's permissions), and what to do is the same
   * @throws IllegalArgumentException if the actor id or the events are invalid: fix the call
   * @throws IllegalStateException if the store is closed (a store may instead fail the future
   *     with it, as the in-memory store does)
   */
  CompletableFuture<AppendResult> appendAsync(
      String actorId, ExpectedVersion expected, List<NewEvent> events);

  /**
   * Returns an actor's latest version, in constant time.
   *
   * @param actorId the actor
   * @return the latest version, 0 when the actor has no events
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed; retry if the interrupt was not a stop
   * @throws IllegalStateException if the store is closed
   */
  long latestVersion(String actorId);

  /**
   * Reads an actor's events from a version on, in version order.
   *
   * @param actorId the actor
   * @param fromVersion the first version to return, at least 1
   * @return the events; {@link ReadResult#next()} is the position after the last one examined
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed; retry if the interrupt was not a stop
   * @throws IllegalStateException if the store is closed
   */
  default ReadResult read(String actorId, long fromVersion) {
    return read(actorId, fromVersion, Integer.MAX_VALUE);
  }

  /**
   * Reads at most {@code limit} of an actor's events from a version on, in version order.
   *
   * @param actorId the actor
   * @param fromVersion the first version to return, at least 1
   * @param limit the most events to return, at least 1
   * @return the events
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed; retry if the interrupt was not a stop
   * @throws IllegalStateException if the store is closed
   */
  ReadResult read(String actorId, long fromVersion, int limit);

  /**
   * Reads like {@link #read(String, long, int)}, with a hint from a caller that knows every event
   * of the actor at or after {@code fromVersion} has a position greater than {@code
   * afterPosition}, typically the position of the snapshot it just loaded or of the last event
   * it read. A store may use the hint to find the first event faster; a wrong hint never changes
   * the result, only the cost. The default ignores the hint.
   *
   * @param actorId the actor
   * @param fromVersion the first version to return, at least 1
   * @param limit the most events to return, at least 1
   * @param afterPosition a position known to precede the first event to return; 0 for none
   * @return the events
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed; retry if the interrupt was not a stop
   * @throws IllegalStateException if the store is closed
   */
  default ReadResult read(String actorId, long fromVersion, int limit, long afterPosition) {
    return read(actorId, fromVersion, limit);
  }

  /**
   * Reads like {@link #read(String, long, int, long)}, but gives up when {@code deadline} passes
   * instead of at the end of the store's own retry budget, whichever comes first. A store that
   * blocks or retries must override this; the default checks the deadline once, before reading.
   *
   * @param actorId the actor
   * @param fromVersion the first version to return, at least 1
   * @param limit the most events to return, at least 1
   * @param afterPosition a position known to precede the first event to return; 0 for none
   * @param deadline when to give up
   * @return the events
   * @throws StoreUnavailableException if the deadline passed first, or the store could not be
   *     reached before it: nothing changed; retry later
   * @throws IllegalArgumentException if an argument is out of range: fix the call
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   */
  default ReadResult read(String actorId, long fromVersion, int limit, long afterPosition,
      Deadline deadline) {
    if (deadline.isExpired()) {
      throw new StoreUnavailableException("the deadline passed before reading actor '" + actorId
          + "'", null);
    }
    return read(actorId, fromVersion, limit, afterPosition);
  }

  /** The page size of the default {@link #readStream(String, long, long, Deadline)}. */
  int STREAM_PAGE = 512;

  /**
   * Opens a stream of an actor's events from a version on, in version order, which holds one
   * page of events at a time however long the actor's history is.
   *
   * @param actorId the actor
   * @param fromVersion the first version to return, at least 1
   * @return the stream; close it when done
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws IllegalStateException if the store is closed
   * @see #readStream(String, long, long, Deadline)
   */
  default EventStream readStream(String actorId, long fromVersion) {
    return readStream(actorId, fromVersion, 0, Deadline.none());
  }

  /**
   * Opens a stream of an actor's events from a version on, in version order, holding one page of
   * events at a time; {@code afterPosition} is a hint as for {@link #read(String, long, int,
   * long)}, and every fetch of the stream stops at {@code deadline}. The default reads pages of
   * {@value #STREAM_PAGE} events with {@link #read(String, long, int, long, Deadline)}, each
   * starting after the last message of the previous one, and does no work between pages; a
   * store may override it to fetch pages faster (ahead of the caller, at most one page ahead).
   *
   * <p>Returns without blocking for the default; a store that starts fetching at once documents
   * it. Errors of the fetches surface from {@link EventStream#hasNext()}.
   *
   * @param actorId the actor
   * @param fromVersion the first version to return, at least 1
   * @param afterPosition a position known to precede the first event to return; 0 for none
   * @param deadline when every fetch gives up ({@link Deadline#none()} for the store's own
   *     retry budget)
   * @return the stream; close it when done
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits}) or a
   *     number is out of range: fix the call
   * @throws IllegalStateException if the store is closed
   */
  default EventStream readStream(String actorId, long fromVersion, long afterPosition,
      Deadline deadline) {
    Limits.checkActorRead(actorId, fromVersion, afterPosition);
    Objects.requireNonNull(deadline, "deadline");
    return new PagedEventStream(this, actorId, fromVersion, afterPosition, STREAM_PAGE,
        deadline);
  }

  /**
   * Folds an actor's events from a version on into a value, pulling them through {@link
   * #readStream(String, long)}, so that memory stays bounded by a page of events plus the value.
   * Undecodable messages are skipped (they are logged by the store); use {@link #readStream}
   * to see them.
   *
   * @param <T> the folded value
   * @param actorId the actor
   * @param fromVersion the first version to fold, at least 1
   * @param initial the value before the first event
   * @param fn the step: the value so far and the next event to the next value; not null
   * @return the value after the last event
   * @throws IllegalArgumentException if the actor id is empty or too long or a number is out of
   *     range
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; fold again later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if the store is closed
   * @throws RuntimeException whatever {@code fn} throws; the stream is closed first
   */
  default <T> T fold(String actorId, long fromVersion, T initial,
      BiFunction<T, Event, T> fn) {
    Objects.requireNonNull(fn, "fn");
    T value = initial;
    try (EventStream events = readStream(actorId, fromVersion)) {
      while (events.hasNext()) {
        value = fn.apply(value, events.next());
      }
    }
    return value;
  }

  /**
   * Reads the namespace's events in global order.
   *
   * @param from where to start
   * @param limit the most events to return, at least 1
   * @return the events and where to continue
   * @throws IllegalArgumentException if {@code limit} is less than 1: fix the call
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     retry later from the same position
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again): nothing changed; retry if the interrupt was not a stop
   * @throws IllegalStateException if the store is closed
   */
  ReadResult readAll(Position from, int limit);

  /**
   * Returns the position of the namespace's last event.
   *
   * @return the last position, 0 when the namespace is empty
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws AetherTransientException if the calling thread is interrupted while waiting (the
   *     interrupt flag is set again)
   * @throws IllegalStateException if the store is closed
   */
  long lastPosition();

  /**
   * Opens a subscription to the namespace: it catches up from the start position, then delivers
   * events as they are appended, in order, at least once, each to the handler on the
   * subscription's own thread.
   *
   * @param options where to start, durability and filters
   * @param handler receives the events
   * @return the running subscription; close it to stop
   * @throws IllegalStateException if a durable subscription of that name is already open (close
   *     it first, or in another process: wait until that one stops), or the store is closed
   * @throws StoreUnavailableException if the subscription could not be opened in time: retry
   *     later
   * @throws PermissionDeniedException if the store's NATS user may not create or read the
   *     subscription's consumer: a deployment error, retrying does not help
   */
  EventSubscription subscribe(SubscriptionOptions options, EventHandler handler);

  /**
   * Closes the store: open subscriptions are closed; later calls throw {@link
   * IllegalStateException}. Idempotent. Does not close a connection the caller passed in.
   */
  @Override
  void close();
}
