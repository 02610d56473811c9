package one.flowmade.aether.actor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.codec.DecodeFailureListener;
import one.flowmade.aether.codec.DecodeFailurePolicy;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.codec.StateCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an {@link ActorModel} on any {@link EventStore} (and optionally a {@link SnapshotStore}):
 * loads an actor from its latest snapshot plus the events after it, runs a {@link Decider},
 * appends the decided events with the loaded version as the expected version, and on a {@link
 * VersionConflictException} reloads and decides again, with bounded, jittered backoff ({@link
 * RetryPolicy}). After a successful append the {@link SnapshotPolicy} decides whether to save a
 * snapshot.
 *
 * <pre>{@code
 * ActorRepository<Account, AccountEvent> accounts =
 *     ActorRepository.builder(new AccountModel(), AccountEvent.class)
 *         .eventStore(events)
 *         .codec(codec)
 *         .snapshots(snapshots, JacksonStateCodec.of(Account.class))
 *         .snapshotPolicy(SnapshotPolicy.everyEvents(100))
 *         .build();
 * accounts.execute("acc-1", account -> account.deposit(100));
 * }</pre>
 *
 * <p>A transient store failure during an append is retried with the same events (so they are
 * never stored twice) within the same attempt budget. A failure to save a snapshot is logged and
 * does not fail the command: the events are the source of truth.
 *
 * <p>Thread-safe: any number of threads may execute commands, also on the same actor (they
 * serialise through optimistic concurrency). Methods block on the stores.
 *
 * @param <S> the state type
 * @param <E> the event type
 */
public final class ActorRepository<S, E> {

  private static final Logger LOG = LoggerFactory.getLogger(ActorRepository.class);
  private static final int PAGE = 512;

  private final ActorModel<S, E> model;
  private final Class<E> eventClass;
  private final EventStore eventStore;
  private final EventCodec codec;
  private final SnapshotStore snapshotStore;
  private final StateCodec<S> stateCodec;
  private final SnapshotPolicy snapshotPolicy;
  private final RetryPolicy retryPolicy;
  private final DecodeFailurePolicy decodeFailurePolicy;
  private final DecodeFailureListener decodeFailureListener;

  private ActorRepository(Builder<S, E> b) {
    this.model = b.model;
    this.eventClass = b.eventClass;
    this.eventStore = b.eventStore;
    this.codec = b.codec;
    this.snapshotStore = b.snapshotStore;
    this.stateCodec = b.stateCodec;
    this.snapshotPolicy = b.snapshotPolicy != null ? b.snapshotPolicy
        : b.snapshotStore != null ? SnapshotPolicy.everyEvents(100) : SnapshotPolicy.never();
    this.retryPolicy = b.retryPolicy;
    this.decodeFailurePolicy = b.decodeFailurePolicy;
    this.decodeFailureListener = b.decodeFailureListener;
  }

  /**
   * Returns a builder for a model whose events are instances of {@code eventClass}.
   *
   * @param model the actor model
   * @param eventClass the common type of its events
   * @param <S> the state type
   * @param <E> the event type
   * @return the builder
   */
  public static <S, E> Builder<S, E> builder(ActorModel<S, E> model, Class<E> eventClass) {
    return new Builder<>(model, eventClass);
  }

  /**
   * Loads an actor: its latest snapshot, if any, plus every event after it.
   *
   * @param actorId the actor
   * @return the current state
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits})
   * @throws DecodingException if an event cannot be decoded and the policy is {@link
   *     DecodeFailurePolicy#FAIL}: fix the codec (register the type, add an upcaster) or the data
   * @throws StoreUnavailableException if the store could not be reached within its retry budget:
   *     nothing changed; retry later, and report the node not ready meanwhile
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if a store is closed
   */
  public ActorState<S> load(String actorId) {
    return loadWithSnapshotVersion(actorId).state;
  }

  /**
   * Executes a command: decides on the current state and appends the events, retrying on
   * conflicts.
   *
   * <p>Blocks the calling thread on the stores. See {@link #execute(String, Metadata, Decider)}
   * for the exceptions and what to do about each.
   *
   * @param actorId the actor
   * @param decider decides the events; may run more than once
   * @return the new state and what was appended
   * @throws VersionConflictException if every attempt conflicted
   * @throws AppendOutcomeUnknownException if the store could not tell whether the events were
   *     stored
   * @throws StoreUnavailableException if the store could not be reached
   * @throws RuntimeException whatever the decider throws to reject the command
   */
  public CommandResult<S, E> execute(String actorId, Decider<S, E> decider) {
    return execute(actorId, Metadata.empty(), decider);
  }

  /**
   * Executes a command whose events carry the given metadata (correlation id, user id …).
   *
   * <p>Blocks the calling thread on the stores, for at most the {@link RetryPolicy}'s attempts
   * (each bounded by the store's own retry budget). Transient store failures are retried with
   * the same events, so they are never stored twice; a failure to save a snapshot is logged and
   * does not fail the command.
   *
   * @param actorId the actor
   * @param metadata metadata for every event appended
   * @param decider decides the events; may run more than once
   * @return the new state and what was appended
   * @throws IllegalArgumentException if the actor id is empty or too long, or an event is larger
   *     than the store accepts
   * @throws VersionConflictException if every attempt conflicted: the actor is contended; retry
   *     the command later or allow more attempts ({@link Builder#retryPolicy(RetryPolicy)})
   * @throws AppendOutcomeUnknownException if the store could not tell, within its retry budget,
   *     whether the last attempt's events were stored (the server stayed unreachable after the
   *     publish). They are stored exactly once or not at all. Do not blindly run the command
   *     again (it would decide anew and could apply twice): {@link #load(String) load} the actor
   *     once the store is reachable and check whether the command's effect is there, for example
   *     by a correlation id in the metadata, or make the decision idempotent
   * @throws StoreUnavailableException if the store could not be reached within its retry budget
   *     before anything was published: nothing was stored; the command can be retried as is
   * @throws PermissionDeniedException if the store's NATS user may not write the namespace: a
   *     deployment error, retrying does not help
   * @throws DecodingException if loading met an undecodable event and the policy is {@link
   *     DecodeFailurePolicy#FAIL}
   * @throws IllegalStateException if a store is closed
   * @throws RuntimeException whatever the decider throws to reject the command (nothing stored)
   */
  public CommandResult<S, E> execute(String actorId, Metadata metadata, Decider<S, E> decider) {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(metadata, "metadata");
    Objects.requireNonNull(decider, "decider");
    for (int attempt = 1; ; attempt++) {
      Loaded<S> loaded = loadWithSnapshotVersion(actorId);
      List<E> decided = List.copyOf(decider.decide(loaded.state.state()));
      if (decided.isEmpty()) {
        return new CommandResult<>(loaded.state, List.of(), Optional.empty(), attempt);
      }
      List<NewEvent> newEvents = new ArrayList<>(decided.size());
      for (E event : decided) {
        newEvents.add(codec.toNewEvent(event).withMetadata(metadata));
      }
      AppendResult appended;
      try {
        appended = appendRidingOutTransientFailures(actorId, loaded.state.expectedVersion(),
            newEvents);
      } catch (VersionConflictException conflict) {
        if (attempt >= retryPolicy.maxAttempts()) {
          throw conflict;
        }
        LOG.debug("conflict on actor '{}' (attempt {}): {}", actorId, attempt,
            conflict.getMessage());
        backOff(attempt);
        continue;
      }
      S state = loaded.state.state();
      for (E event : decided) {
        state = model.apply(state, event);
      }
      ActorState<S> after = new ActorState<>(actorId, state, appended.lastVersion(),
          appended.lastPosition());
      maybeSnapshot(after, loaded.snapshotVersion, decided.size());
      return new CommandResult<>(after, decided, Optional.of(appended), attempt);
    }
  }

  private AppendResult appendRidingOutTransientFailures(
      String actorId, ExpectedVersion expected, List<NewEvent> events) {
    for (int attempt = 1; ; attempt++) {
      try {
        return eventStore.append(actorId, expected, events);
      } catch (AetherTransientException e) {
        if (attempt >= retryPolicy.maxAttempts()) {
          throw e;
        }
        LOG.warn("transient failure appending to actor '{}' (attempt {}), retrying the same"
            + " events: {}", actorId, attempt, e.getMessage());
        backOff(attempt);
      }
    }
  }

  private void maybeSnapshot(ActorState<S> state, long lastSnapshotVersion, int appended) {
    if (snapshotStore == null
        || !snapshotPolicy.shouldSnapshot(
            new SnapshotPolicy.Context(state, lastSnapshotVersion, appended))) {
      return;
    }
    try {
      snapshotStore.save(new Snapshot(state.actorId(), state.version(), state.position(),
          Instant.now(), stateCodec.encode(state.state())));
    } catch (RuntimeException e) {
      LOG.warn("could not save a snapshot of actor '{}' at version {}; the events are stored"
          + " and the actor loads from them", state.actorId(), state.version(), e);
    }
  }

  private Loaded<S> loadWithSnapshotVersion(String actorId) {
    Limits.checkActorId(actorId);
    S state = null;
    long version = 0;
    long position = 0;
    long snapshotVersion = 0;
    if (snapshotStore != null) {
      Optional<Snapshot> snapshot = snapshotStore.load(actorId);
      if (snapshot.isPresent()) {
        try {
          state = stateCodec.decode(snapshot.get().state());
          version = snapshot.get().version();
          position = snapshot.get().position();
          snapshotVersion = version;
        } catch (RuntimeException e) {
          LOG.warn("snapshot of actor '{}' at version {} cannot be decoded; replaying all of its"
              + " events instead", actorId, snapshot.get().version(), e);
        }
      }
    }
    if (state == null) {
      state = model.initialState(actorId);
    }
    for (long from = version + 1; ; ) {
      ReadResult page = eventStore.read(actorId, from, PAGE, position);
      page.undecodable().forEach(this::decodeFailed);
      for (Event event : page.events()) {
        E decoded = decode(event);
        if (decoded != null) {
          state = model.apply(state, decoded);
        }
        version = event.version();
        position = event.position();
      }
      if (page.events().size() + page.undecodable().size() < PAGE) {
        break;
      }
      from = version + 1;
    }
    return new Loaded<>(new ActorState<>(actorId, state, version, position), snapshotVersion);
  }

  private E decode(Event event) {
    try {
      Object decoded = codec.decode(event);
      if (!eventClass.isInstance(decoded)) {
        throw new DecodingException("event type '" + event.type() + "' decodes to "
            + decoded.getClass().getName() + ", which is not a " + eventClass.getName(), null);
      }
      return eventClass.cast(decoded);
    } catch (DecodingException e) {
      decodeFailed(new UndecodableEvent(event.position(), event.actorId(), event.data(), e));
      return null;
    }
  }

  private void decodeFailed(UndecodableEvent undecodable) {
    LOG.warn("cannot decode {}", undecodable, undecodable.cause());
    decodeFailureListener.onDecodeFailure(undecodable);
    if (decodeFailurePolicy == DecodeFailurePolicy.FAIL) {
      throw undecodable.cause() instanceof DecodingException d ? d
          : new DecodingException("cannot decode " + undecodable, undecodable.cause());
    }
  }

  private void backOff(int attempt) {
    Duration wait = retryPolicy.backoff(attempt);
    try {
      TimeUnit.NANOSECONDS.sleep(wait.toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AetherTransientException("interrupted while backing off before a retry", e);
    }
  }

  private record Loaded<S>(ActorState<S> state, long snapshotVersion) {}

  /**
   * Builds an {@link ActorRepository}. Not thread-safe; each input is checked when set.
   *
   * @param <S> the state type
   * @param <E> the event type
   */
  public static final class Builder<S, E> {
    private final ActorModel<S, E> model;
    private final Class<E> eventClass;
    private EventStore eventStore;
    private EventCodec codec;
    private SnapshotStore snapshotStore;
    private StateCodec<S> stateCodec;
    private SnapshotPolicy snapshotPolicy;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private DecodeFailurePolicy decodeFailurePolicy = DecodeFailurePolicy.REPORT_AND_SKIP;
    private DecodeFailureListener decodeFailureListener = DecodeFailureListener.none();

    private Builder(ActorModel<S, E> model, Class<E> eventClass) {
      this.model = Objects.requireNonNull(model, "model");
      this.eventClass = Objects.requireNonNull(eventClass, "eventClass");
    }

    /**
     * Sets the event store (required).
     *
     * @param eventStore the store
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder<S, E> eventStore(EventStore eventStore) {
      Objects.requireNonNull(eventStore, "eventStore");
      if (this.eventStore != null) {
        throw new IllegalStateException("event store was already set");
      }
      this.eventStore = eventStore;
      return this;
    }

    /**
     * Sets the event codec (required).
     *
     * @param codec the codec
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder<S, E> codec(EventCodec codec) {
      Objects.requireNonNull(codec, "codec");
      if (this.codec != null) {
        throw new IllegalStateException("codec was already set");
      }
      this.codec = codec;
      return this;
    }

    /**
     * Enables snapshots (default policy: every 100 events).
     *
     * @param snapshotStore the snapshot store, of the event store's namespace
     * @param stateCodec encodes the state
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder<S, E> snapshots(SnapshotStore snapshotStore, StateCodec<S> stateCodec) {
      Objects.requireNonNull(snapshotStore, "snapshotStore");
      Objects.requireNonNull(stateCodec, "stateCodec");
      if (this.snapshotStore != null) {
        throw new IllegalStateException("snapshot store was already set");
      }
      this.snapshotStore = snapshotStore;
      this.stateCodec = stateCodec;
      return this;
    }

    /**
     * Sets when to snapshot.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder<S, E> snapshotPolicy(SnapshotPolicy policy) {
      this.snapshotPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how conflicts and transient failures are retried (default {@link
     * RetryPolicy#defaults()}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder<S, E> retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets what loading does with an event it cannot decode (default {@link
     * DecodeFailurePolicy#REPORT_AND_SKIP}).
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder<S, E> decodeFailurePolicy(DecodeFailurePolicy policy) {
      this.decodeFailurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets who is told about events that cannot be decoded.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder<S, E> decodeFailureListener(DecodeFailureListener listener) {
      this.decodeFailureListener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the repository.
     *
     * @return the repository
     * @throws IllegalStateException if the event store, the codec, or (with a snapshot policy)
     *     the snapshot store is missing, or the stores' namespaces differ
     */
    public ActorRepository<S, E> build() {
      if (eventStore == null) {
        throw new IllegalStateException("an event store is required: call eventStore(..)");
      }
      if (codec == null) {
        throw new IllegalStateException("a codec is required: call codec(..)");
      }
      if (snapshotStore != null && !snapshotStore.namespace().equals(eventStore.namespace())) {
        throw new IllegalStateException("the snapshot store's namespace '"
            + snapshotStore.namespace() + "' differs from the event store's '"
            + eventStore.namespace() + "'");
      }
      return new ActorRepository<>(this);
    }
  }
}
