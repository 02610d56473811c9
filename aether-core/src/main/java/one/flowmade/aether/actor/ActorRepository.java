package one.flowmade.aether.actor;

import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.Tracing;
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
 * <p>Every command runs under one deadline ({@link Builder#commandTimeout}, 30 seconds by default)
 * that bounds all its retries and is passed to every store call. A transient store failure during
 * an append is retried with the same events (so they are never stored twice) until the deadline,
 * waiting at least 10 ms, doubling per attempt up to 1 s, between attempts.
 * A command id ({@link CommandOptions#withCommandId}) makes a command idempotent across
 * executions, see {@link CommandIds}. Loading an actor to decide a command fails on an event that
 * cannot be decoded. A failure to save a snapshot is logged and does not fail the command: the
 * events are the source of truth.
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

  /** The default of {@link Builder#commandTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

  /** The first wait before an append is retried after a transient failure: 10 ms. */
  static final Duration TRANSIENT_BACKOFF_FLOOR = Duration.ofMillis(10);

  /** The longest wait between retries of an append after transient failures: 1 s. */
  static final Duration TRANSIENT_BACKOFF_CAP = Duration.ofSeconds(1);

  /** The default of {@link Builder#commandIdHorizon(int)}: 100 events. */
  public static final int DEFAULT_COMMAND_ID_HORIZON = 100;

  private static final String ACTOR_ID_ATTRIBUTE = "aether.actor.id";

  private final ActorModel<S, E> model;
  private final Class<E> eventClass;
  private final EventStore eventStore;
  private final EventCodec codec;
  private final SnapshotStore snapshotStore;
  private final StateCodec<S> stateCodec;
  private final SnapshotPolicy snapshotPolicy;
  private final RetryPolicy retryPolicy;
  private final DecodeFailurePolicy decodeFailurePolicy;
  private final DecodeFailurePolicy commandDecodeFailurePolicy;
  private final DecodeFailureListener decodeFailureListener;
  private final Duration commandTimeout;
  private final int commandIdHorizon;
  private final Executor executor;
  private final Tracing tracing;

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
    this.commandDecodeFailurePolicy = b.commandDecodeFailurePolicy;
    this.decodeFailureListener = b.decodeFailureListener;
    this.commandTimeout = b.commandTimeout;
    this.commandIdHorizon = b.commandIdHorizon;
    this.executor = b.executor != null ? b.executor : AsyncThreads.EXECUTOR;
    this.tracing = b.tracing;
  }

  /**
   * Returns a builder for a model whose events are instances of {@code eventClass}.
   *
   * @param model the actor model
   * @param eventClass the common type of its events
   * @param <S> the state type
   * @param <E> the event type
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static <S, E> Builder<S, E> builder(ActorModel<S, E> model, Class<E> eventClass) {
    return new Builder<>(model, eventClass);
  }

  /**
   * Loads an actor: its latest snapshot, if any, plus every event after it. Events that cannot be
   * decoded are handled by the {@link Builder#decodeFailurePolicy load policy} (reported and
   * skipped by default: this state is for reading, never for deciding).
   *
   * <p>Blocks for at most the {@link Builder#commandTimeout command timeout}.
   *
   * @param actorId the actor
   * @return the current state
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits})
   * @throws DecodingException if an event cannot be decoded and the policy is {@link
   *     DecodeFailurePolicy#FAIL}: fix the codec (register the type, add an upcaster) or the data
   * @throws StoreUnavailableException if the store could not be reached in time: nothing
   *     changed; retry later, and report the node not ready meanwhile
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if a store is closed
   */
  public ActorState<S> load(String actorId) {
    Limits.checkActorId(actorId);
    Tracing.Operation span = tracing.start("aether.actor.load", Tracing.Kind.INTERNAL, null)
        .attribute(ACTOR_ID_ATTRIBUTE, actorId);
    try (Tracing.CurrentScope ignored = span.makeCurrent()) {
      return loadWithSnapshotVersion(actorId, Deadline.after(commandTimeout),
          decodeFailurePolicy, null).state;
    } catch (RuntimeException | Error e) {
      span.failed(e);
      throw e;
    } finally {
      span.end();
    }
  }

  /**
   * Loads an actor without blocking, on the repository's {@link Builder#executor executor}; the
   * future completes as {@link #load(String)} returns or throws.
   *
   * @param actorId the actor
   * @return a future of the current state; it completes exceptionally with what {@link
   *     #load(String)} throws
   * @throws IllegalArgumentException if the actor id is invalid
   * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
   */
  public CompletableFuture<ActorState<S>> loadAsync(String actorId) {
    Limits.checkActorId(actorId);
    return CompletableFuture.supplyAsync(() -> load(actorId), executor);
  }

  /**
   * Executes a command: decides on the current state and appends the events, retrying on
   * conflicts. Same as {@link #execute(String, CommandOptions, Decider)} with {@link
   * CommandOptions#defaults()}.
   *
   * @param actorId the actor
   * @param decider decides the events; may run more than once
   * @return the new state and what was appended
   * @throws IllegalArgumentException if the actor id is empty or too long, or an event is larger
   *     than the store accepts
   * @throws VersionConflictException if every attempt conflicted: the actor is contended; retry
   *     later or with a larger {@link RetryPolicy}
   * @throws AppendOutcomeUnknownException if the store could not tell, by the deadline, whether
   *     the events were stored: without a command id a retry may apply the command twice, so
   *     execute commands that must not with a command id ({@link #execute(String,
   *     CommandOptions, Decider)}) and retry with the same id
   * @throws StoreUnavailableException if the store could not be reached by the deadline and
   *     nothing was stored: retry later
   * @throws DecodingException if an event of the actor cannot be decoded (default policy): fix
   *     the codec or the data
   * @throws PermissionDeniedException if the store's NATS user may not read or write the
   *     namespace: a deployment error, retrying does not help
   * @throws IllegalStateException if a store is closed
   * @throws RuntimeException whatever the decider throws to reject the command
   */
  public CommandResult<S, E> execute(String actorId, Decider<S, E> decider) {
    return execute(actorId, CommandOptions.defaults(), decider);
  }

  /**
   * Executes a command whose events carry the given metadata (correlation id, user id …). Same
   * as {@link #execute(String, CommandOptions, Decider)} with {@code
   * CommandOptions.defaults().withMetadata(metadata)}.
   *
   * @param actorId the actor
   * @param metadata metadata for every event appended
   * @param decider decides the events; may run more than once
   * @return the new state and what was appended
   * @throws IllegalArgumentException if the actor id is empty or too long, the metadata uses the
   *     reserved key {@link CommandIds#METADATA_KEY}, or an event is larger than the store accepts
   * @throws VersionConflictException if every attempt conflicted: the actor is contended; retry
   *     later or with a larger {@link RetryPolicy}
   * @throws AppendOutcomeUnknownException if the store could not tell, by the deadline, whether
   *     the events were stored: retry only with a command id ({@link #execute(String,
   *     CommandOptions, Decider)}), which applies the command at most once
   * @throws StoreUnavailableException if the store could not be reached by the deadline and
   *     nothing was stored: retry later
   * @throws DecodingException if an event of the actor cannot be decoded (default policy)
   * @throws PermissionDeniedException if the store's NATS user may not read or write the
   *     namespace: a deployment error, retrying does not help
   * @throws IllegalStateException if a store is closed
   * @throws RuntimeException whatever the decider throws to reject the command
   */
  public CommandResult<S, E> execute(String actorId, Metadata metadata, Decider<S, E> decider) {
    return execute(actorId, CommandOptions.defaults().withMetadata(metadata), decider);
  }

  /**
   * Executes a command: loads the actor, lets the decider turn its state into events, and appends
   * them with the loaded version as the expected version.
   *
   * <ul>
   *   <li><b>One deadline.</b> The whole command (loading, deciding, every retry, the stores' own
   *       retries, the snapshot) is over by one deadline: the options' deadline or timeout, else
   *       the repository's {@link Builder#commandTimeout command timeout} (30 seconds by
   *       default). It is passed to every store call, which gives up at it.
   *   <li><b>Conflicts</b> reload and decide again after a jittered backoff, up to the {@link
   *       RetryPolicy}'s attempts and within the deadline; then a {@link
   *       VersionConflictException} says how many attempts were made ({@link
   *       VersionConflictException#attempts()}).
   *   <li><b>Transient store failures</b> of the append are retried with the same events (same
   *       ids), so they are stored at most once, until the deadline. If any attempt's outcome was
   *       unknown, the command fails with {@link AppendOutcomeUnknownException}, never with a
   *       "nothing stored" error.
   *   <li><b>Undecodable events</b> fail the command ({@link DecodingException}) by default: it
   *       never decides on state with skipped events ({@link
   *       Builder#commandDecodeFailurePolicy}).
   *   <li><b>Command ids</b> ({@link CommandOptions#withCommandId}) make the command idempotent:
   *       its event ids derive from the command id ({@link CommandIds}), and if the actor's
   *       latest events (within the {@link Builder#commandIdHorizon horizon}) already hold the
   *       command, nothing is appended and the earlier outcome is returned with {@link
   *       CommandResult#alreadyApplied()} set. So after {@link AppendOutcomeUnknownException}
   *       (or any unknown outcome, such as a crash of the caller) execute it again with the same
   *       command id. Without a command id each execution appends fresh event ids.
   *   <li>Anything the decider throws rejects the command. A failure to save a snapshot is logged
   *       and does not fail the command: the events are the source of truth.
   * </ul>
   *
   * <p>Blocks the calling thread on the stores, until the deadline at most.
   *
   * @param actorId the actor
   * @param options the command id, metadata and timeout
   * @param decider decides the events; may run more than once
   * @return the new state and what was appended
   * @throws IllegalArgumentException if the actor id is empty or too long, or an event is larger
   *     than the store accepts
   * @throws VersionConflictException if every attempt conflicted: the actor is contended; retry
   *     later or with a larger {@link RetryPolicy}
   * @throws AppendOutcomeUnknownException if the store could not tell, by the deadline, whether
   *     the events were stored: execute again with the same command id to find out safely
   * @throws StoreUnavailableException if the store could not be reached by the deadline and
   *     nothing was stored: retry later
   * @throws DecodingException if an event of the actor cannot be decoded (with the default
   *     {@link Builder#commandDecodeFailurePolicy})
   * @throws PermissionDeniedException if the store's NATS user may not read or write the
   *     namespace: a deployment error, retrying does not help
   * @throws IllegalStateException if a store is closed
   * @throws RuntimeException whatever the decider throws to reject the command
   */
  public CommandResult<S, E> execute(String actorId, CommandOptions options,
      Decider<S, E> decider) {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(decider, "decider");
    Tracing.Operation span = tracing.start("aether.actor.command", Tracing.Kind.INTERNAL,
        options.metadata()).attribute(ACTOR_ID_ATTRIBUTE, actorId);
    try (Tracing.CurrentScope ignored = span.makeCurrent()) {
      CommandResult<S, E> result = executeInSpan(actorId, options, decider, span);
      span.attribute("aether.command.attempts", result.attempts());
      return result;
    } catch (RuntimeException | Error e) {
      span.failed(e);
      throw e;
    } finally {
      span.end();
    }
  }

  private CommandResult<S, E> executeInSpan(String actorId, CommandOptions options,
      Decider<S, E> decider, Tracing.Operation span) {
    Deadline deadline = options.deadlineFrom(commandTimeout);
    String commandId = options.commandId().orElse(null);
    // The events carry the command's trace context, so every handler of them joins its trace.
    Metadata metadata = span.inject(commandId == null ? options.metadata()
        : options.metadata().with(CommandIds.METADATA_KEY, commandId));
    for (int attempt = 1; ; attempt++) {
      Loaded<S, E> loaded = loadWithSnapshotVersion(actorId, deadline, commandDecodeFailurePolicy,
          commandId);
      if (loaded.earlier != null) {
        LOG.debug("command '{}' on actor '{}' was applied before (versions {}..{}); nothing"
            + " appended", commandId, actorId, loaded.earlier.append().firstVersion(),
            loaded.earlier.append().lastVersion());
        return new CommandResult<>(loaded.state, loaded.earlier.events(),
            Optional.of(loaded.earlier.append()), attempt - 1, true);
      }
      List<E> decided = List.copyOf(decider.decide(loaded.state.state()));
      if (decided.isEmpty()) {
        return new CommandResult<>(loaded.state, List.of(), Optional.empty(), attempt);
      }
      List<NewEvent> newEvents = new ArrayList<>(decided.size());
      for (int i = 0; i < decided.size(); i++) {
        NewEvent event = codec.toNewEvent(decided.get(i)).withMetadata(metadata);
        if (commandId != null) {
          event = event.withId(CommandIds.eventId(actorId, commandId, i));
        }
        newEvents.add(event);
      }
      AppendResult appended;
      try {
        appended = appendRidingOutTransientFailures(actorId, loaded.state.expectedVersion(),
            newEvents, deadline);
      } catch (VersionConflictException conflict) {
        if (attempt >= retryPolicy.maxAttempts() || deadline.isExpired()) {
          throw VersionConflictException.afterAttempts(conflict, attempt);
        }
        LOG.debug("conflict on actor '{}' (attempt {}): {}", actorId, attempt,
            conflict.getMessage());
        backOff(attempt, deadline);
        continue;
      }
      S state = loaded.state.state();
      for (E event : decided) {
        state = model.apply(state, event);
      }
      ActorState<S> after = new ActorState<>(actorId, state, appended.lastVersion(),
          appended.lastPosition());
      maybeSnapshot(after, loaded.snapshotVersion, decided.size(), deadline);
      return new CommandResult<>(after, decided, Optional.of(appended), attempt);
    }
  }

  /**
   * Executes a command without blocking, on the repository's {@link Builder#executor executor}:
   * the future completes as {@link #execute(String, CommandOptions, Decider)} returns or throws.
   *
   * @param actorId the actor
   * @param options the command id, metadata and timeout
   * @param decider decides the events; may run more than once, on the executor's thread
   * @return a future of the result; it completes exceptionally (wrapped in a {@link
   *     java.util.concurrent.CompletionException} by {@code join}) with what {@link
   *     #execute(String, CommandOptions, Decider)} throws, and what to do is the same
   * @throws IllegalArgumentException if the actor id is invalid
   * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
   */
  public CompletableFuture<CommandResult<S, E>> executeAsync(String actorId,
      CommandOptions options, Decider<S, E> decider) {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(decider, "decider");
    return CompletableFuture.supplyAsync(() -> execute(actorId, options, decider), executor);
  }

  /**
   * Executes a command without blocking; same as {@link #executeAsync(String, CommandOptions,
   * Decider)} with {@link CommandOptions#defaults()}.
   *
   * @param actorId the actor
   * @param decider decides the events; may run more than once, on the executor's thread
   * @return a future of the result; it completes exceptionally with what {@link
   *     #execute(String, Decider)} throws
   * @throws IllegalArgumentException if the actor id is invalid
   * @throws java.util.concurrent.RejectedExecutionException if the executor refuses the task
   */
  public CompletableFuture<CommandResult<S, E>> executeAsync(String actorId,
      Decider<S, E> decider) {
    return executeAsync(actorId, CommandOptions.defaults(), decider);
  }

  /**
   * Loads an actor to host it (keep its state in memory and run its commands one at a time):
   * the state as for a command (an undecodable event fails it by default, see {@link
   * Builder#commandDecodeFailurePolicy}) plus the command ids found in the metadata of its latest
   * events, at least the {@link Builder#commandIdHorizon horizon}. Blocks until {@code deadline}
   * at most.
   *
   * @param actorId the actor
   * @param deadline when to give up
   * @return the state and the recent command ids
   * @throws DecodingException if an event cannot be decoded (default policy)
   * @throws StoreUnavailableException if the store could not be reached in time
   */
  public HostedState<S> loadForHosting(String actorId, Deadline deadline) {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(deadline, "deadline");
    java.util.LinkedHashSet<String> ids = new java.util.LinkedHashSet<>();
    Loaded<S, E> loaded = loadWithSnapshotVersion(actorId, deadline, commandDecodeFailurePolicy,
        null, ids);
    if (loaded.snapshotVersion > 0 && ids.size() < commandIdHorizon) {
      long from = Math.max(1, loaded.snapshotVersion - commandIdHorizon + 1);
      for (long v = from; v <= loaded.snapshotVersion; ) {
        int limit = (int) Math.min(PAGE, loaded.snapshotVersion - v + 1);
        ReadResult page = eventStore.read(actorId, v, limit, 0, deadline);
        if (page.events().isEmpty()) {
          break;
        }
        for (Event event : page.events()) {
          event.metadata().get(CommandIds.METADATA_KEY).ifPresent(ids::add);
        }
        v = page.events().get(page.events().size() - 1).version() + 1;
      }
    }
    return new HostedState<>(loaded.state, loaded.snapshotVersion, java.util.Set.copyOf(ids));
  }

  /**
   * Executes a command on a state the caller holds in memory (a hosted actor's cached state)
   * instead of loading it: decides on {@code current} and appends with its version as the
   * expected version, once. The caller must know that the options' command id, if any, was not
   * applied yet (for example from {@link #loadForHosting}'s ids and the commands it ran since).
   *
   * @param current the actor's state as the caller knows it
   * @param lastSnapshotVersion the version of the actor's latest snapshot as the caller knows it
   *     (for the snapshot policy; see {@link #snapshotDue})
   * @param options the command id, metadata and timeout
   * @param decider decides the events
   * @return the new state and what was appended
   * @throws VersionConflictException if the actor moved on (someone else appended): the caller's
   *     state is stale; drop it, and reload only if it is still the actor's single writer
   * @throws AppendOutcomeUnknownException if the store could not tell, by the deadline, whether
   *     the events were stored
   * @throws StoreUnavailableException if the store could not be reached and nothing was stored
   * @throws RuntimeException whatever the decider throws to reject the command
   */
  public CommandResult<S, E> executeOn(ActorState<S> current, long lastSnapshotVersion,
      CommandOptions options, Decider<S, E> decider) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(decider, "decider");
    String actorId = current.actorId();
    Deadline deadline = options.deadlineFrom(commandTimeout);
    String commandId = options.commandId().orElse(null);
    Metadata metadata = commandId == null ? options.metadata()
        : options.metadata().with(CommandIds.METADATA_KEY, commandId);
    List<E> decided = List.copyOf(decider.decide(current.state()));
    if (decided.isEmpty()) {
      return new CommandResult<>(current, List.of(), Optional.empty(), 1);
    }
    List<NewEvent> newEvents = new ArrayList<>(decided.size());
    for (int i = 0; i < decided.size(); i++) {
      NewEvent event = codec.toNewEvent(decided.get(i)).withMetadata(metadata);
      if (commandId != null) {
        event = event.withId(CommandIds.eventId(actorId, commandId, i));
      }
      newEvents.add(event);
    }
    AppendResult appended = appendRidingOutTransientFailures(actorId, current.expectedVersion(),
        newEvents, deadline);
    if (appended.firstVersion() <= current.version()) {
      // the store recognised the ids: the command was applied before the caller's state
      throw new VersionConflictException(actorId, current.expectedVersion(),
          appended.lastVersion());
    }
    S state = current.state();
    for (E event : decided) {
      state = model.apply(state, event);
    }
    ActorState<S> after = new ActorState<>(actorId, state, appended.lastVersion(),
        appended.lastPosition());
    maybeSnapshot(after, lastSnapshotVersion, decided.size(), deadline);
    return new CommandResult<>(after, decided, Optional.of(appended), 1);
  }

  /**
   * Returns whether the repository's snapshot policy asks for a snapshot after a command that
   * appended {@code appended} events and left the actor at {@code after}: what {@link
   * #executeOn} did (a failed save is only logged, so a caller that tracks the latest snapshot
   * version may be ahead of the store; the next due snapshot corrects it).
   *
   * @param after the state after the command
   * @param lastSnapshotVersion the latest snapshot's version before the command
   * @param appended how many events the command appended
   * @return true if a snapshot was due
   */
  public boolean snapshotDue(ActorState<S> after, long lastSnapshotVersion, int appended) {
    return snapshotStore != null && appended > 0 && snapshotPolicy.shouldSnapshot(
        new SnapshotPolicy.Context(after, lastSnapshotVersion, appended));
  }

  /**
   * Saves a snapshot of a hosted actor's cached state that the host drops because it is idle
   * (passivation), if the repository has a snapshot store and the policy's {@link
   * SnapshotPolicy#shouldSnapshotOnPassivation} says so. Blocks up to the command timeout. A
   * failed save is logged, not thrown: the events are stored and the actor loads from them.
   *
   * @param state the cached state (one the store holds: after a successful append or a load)
   * @param lastSnapshotVersion the version of the actor's latest snapshot as the host knows it
   * @return true if a snapshot was due (and a save attempted)
   */
  public boolean snapshotOnPassivation(ActorState<S> state, long lastSnapshotVersion) {
    Objects.requireNonNull(state, "state");
    if (snapshotStore == null || !snapshotPolicy.shouldSnapshotOnPassivation(
        new SnapshotPolicy.Context(state, lastSnapshotVersion, 0))) {
      return false;
    }
    saveSnapshot(state, Deadline.after(commandTimeout));
    return true;
  }

  /**
   * An actor loaded for hosting: its state and the command ids of its latest events.
   *
   * @param state the state
   * @param snapshotVersion the version of the snapshot it was loaded from, 0 if none
   * @param commandIds command ids found in the metadata of the latest events
   * @param <S> the state type
   */
  public record HostedState<S>(ActorState<S> state, long snapshotVersion,
      java.util.Set<String> commandIds) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if a field is null
     */
    public HostedState {
      Objects.requireNonNull(state, "state");
      commandIds = java.util.Set.copyOf(commandIds);
    }
  }

  private AppendResult appendRidingOutTransientFailures(
      String actorId, ExpectedVersion expected, List<NewEvent> events, Deadline deadline) {
    AetherTransientException unknown = null;
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
        backOffTransient(attempt, deadline);
        if (deadline.isExpired()) {
          throw finalTransientFailure(actorId, events, attempt, e, unknown);
        }
      }
    }
  }

  private static AetherTransientException finalTransientFailure(String actorId,
      List<NewEvent> events, int attempts, AetherTransientException last,
      AetherTransientException unknown) {
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

  private void maybeSnapshot(ActorState<S> state, long lastSnapshotVersion, int appended,
      Deadline deadline) {
    if (snapshotStore == null
        || !snapshotPolicy.shouldSnapshot(
            new SnapshotPolicy.Context(state, lastSnapshotVersion, appended))) {
      return;
    }
    saveSnapshot(state, deadline);
  }

  private void saveSnapshot(ActorState<S> state, Deadline deadline) {
    try {
      snapshotStore.save(new Snapshot(state.actorId(), state.version(), state.position(),
          Instant.now(), stateCodec.encode(state.state())), deadline);
    } catch (RuntimeException e) {
      LOG.warn("could not save a snapshot of actor '{}' at version {}; the events are stored"
          + " and the actor loads from them", state.actorId(), state.version(), e);
    }
  }

  private Loaded<S, E> loadWithSnapshotVersion(String actorId, Deadline deadline,
      DecodeFailurePolicy policy, String commandId) {
    return loadWithSnapshotVersion(actorId, deadline, policy, commandId, null);
  }

  private Loaded<S, E> loadWithSnapshotVersion(String actorId, Deadline deadline,
      DecodeFailurePolicy policy, String commandId, java.util.Set<String> seenCommandIds) {
    S state = null;
    long version = 0;
    long position = 0;
    long snapshotVersion = 0;
    if (snapshotStore != null) {
      Optional<Snapshot> snapshot = snapshotStore.load(actorId, deadline);
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
    List<Event> earlier = new ArrayList<>();
    long tail = 0;
    // A stream holds one page at a time: loading an actor of any length needs O(page) memory.
    try (EventStream events = eventStore.readStream(actorId, version + 1, position, deadline)) {
      int reported = 0;
      while (events.hasNext()) {
        Event event = events.next();
        reported = reportUndecodable(events, reported, policy);
        if (commandId != null && isOf(event, commandId)) {
          earlier.add(event);
        }
        if (seenCommandIds != null) {
          event.metadata().get(CommandIds.METADATA_KEY).ifPresent(seenCommandIds::add);
        }
        E decoded = decode(event, policy);
        if (decoded != null) {
          state = model.apply(state, decoded);
        }
        version = event.version();
        position = event.position();
        tail++;
      }
      reportUndecodable(events, reported, policy);
    }
    if (commandId != null && earlier.isEmpty() && snapshotVersion > 0 && tail < commandIdHorizon) {
      earlier = commandBeforeSnapshot(actorId, commandId, snapshotVersion,
          commandIdHorizon - tail, deadline);
    }
    ActorState<S> loaded = new ActorState<>(actorId, state, version, position);
    return new Loaded<>(loaded, snapshotVersion, earlier.isEmpty() ? null : earlier(earlier));
  }

  /** Reports the undecodable messages the stream passed since {@code reported} of them were. */
  private int reportUndecodable(EventStream events, int reported, DecodeFailurePolicy policy) {
    List<UndecodableEvent> undecodable = events.undecodable();
    for (int i = reported; i < undecodable.size(); i++) {
      decodeFailed(undecodable.get(i), policy);
    }
    return undecodable.size();
  }

  /** Looks for a command's events among the {@code count} events up to the snapshot. */
  private List<Event> commandBeforeSnapshot(String actorId, String commandId,
      long snapshotVersion, long count, Deadline deadline) {
    long from = Math.max(1, snapshotVersion - count + 1);
    List<Event> found = new ArrayList<>();
    while (from <= snapshotVersion) {
      int limit = (int) Math.min(PAGE, snapshotVersion - from + 1);
      ReadResult page = eventStore.read(actorId, from, limit, 0, deadline);
      for (Event event : page.events()) {
        if (event.version() <= snapshotVersion && isOf(event, commandId)) {
          found.add(event);
        }
      }
      if (page.events().isEmpty()) {
        break;
      }
      from = page.events().get(page.events().size() - 1).version() + 1;
    }
    return found;
  }

  private static boolean isOf(Event event, String commandId) {
    return event.metadata().get(CommandIds.METADATA_KEY).filter(commandId::equals).isPresent();
  }

  private Earlier<E> earlier(List<Event> stored) {
    List<E> events = new ArrayList<>(stored.size());
    for (Event event : stored) {
      E decoded = decode(event, DecodeFailurePolicy.FAIL);
      events.add(decoded);
    }
    Event first = stored.get(0);
    Event last = stored.get(stored.size() - 1);
    return new Earlier<>(events, new AppendResult(first.actorId(), first.version(),
        last.version(), first.position(), last.position()));
  }

  private E decode(Event event, DecodeFailurePolicy policy) {
    try {
      Object decoded = codec.decode(event);
      if (!eventClass.isInstance(decoded)) {
        throw new DecodingException("event type '" + event.type() + "' decodes to "
            + decoded.getClass().getName() + ", which is not a " + eventClass.getName(), null);
      }
      return eventClass.cast(decoded);
    } catch (DecodingException e) {
      decodeFailed(new UndecodableEvent(event.position(), event.actorId(), event.data(), e),
          policy);
      return null;
    }
  }

  private void decodeFailed(UndecodableEvent undecodable, DecodeFailurePolicy policy) {
    LOG.warn("cannot decode {}", undecodable, undecodable.cause());
    decodeFailureListener.onDecodeFailure(undecodable);
    if (policy == DecodeFailurePolicy.FAIL) {
      throw undecodable.cause() instanceof DecodingException d ? d
          : new DecodingException("cannot decode " + undecodable, undecodable.cause());
    }
  }

  private void backOff(int attempt, Deadline deadline) {
    sleepBounded(retryPolicy.backoff(attempt).toNanos(), deadline);
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

  private record Loaded<S, E>(ActorState<S> state, long snapshotVersion, Earlier<E> earlier) {}

  private record Earlier<E>(List<E> events, AppendResult append) {}

  /** The default executor of the async methods: shared, daemon, idle threads end after 60 s. */
  private static final class AsyncThreads {
    static final ExecutorService EXECUTOR = Executors.newCachedThreadPool(new ThreadFactory() {
      private final AtomicInteger count = new AtomicInteger();

      @Override
      public Thread newThread(Runnable runnable) {
        Thread thread = new Thread(runnable, "aether-actor-async-" + count.incrementAndGet());
        thread.setDaemon(true);
        return thread;
      }
    });
  }

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
    private DecodeFailurePolicy commandDecodeFailurePolicy = DecodeFailurePolicy.FAIL;
    private DecodeFailureListener decodeFailureListener = DecodeFailureListener.none();
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int commandIdHorizon = DEFAULT_COMMAND_ID_HORIZON;
    private Executor executor;
    private Tracing tracing = Tracing.none();

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
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder<S, E> snapshotPolicy(SnapshotPolicy policy) {
      this.snapshotPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how conflicts and transient failures are retried (default {@link
     * RetryPolicy#defaults()}). Retries of an append after a transient failure wait at least
     * 10 ms, doubling per attempt up to 1 s, whatever the policy's backoff.
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder<S, E> retryPolicy(RetryPolicy policy) {
      this.retryPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets what {@link ActorRepository#load(String)} (the read path) does with an event it cannot
     * decode (default {@link DecodeFailurePolicy#REPORT_AND_SKIP}). Commands use {@link
     * #commandDecodeFailurePolicy} instead.
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder<S, E> decodeFailurePolicy(DecodeFailurePolicy policy) {
      this.decodeFailurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets what loading an actor <em>to decide a command</em> does with an event it cannot decode
     * (default {@link DecodeFailurePolicy#FAIL}: the command fails with the {@link
     * DecodingException} and nothing is appended, because a decision on state with a skipped
     * event may be wrong). {@link DecodeFailurePolicy#REPORT_AND_SKIP} decides on the state
     * without the event; choose it only for models where that is known to be safe.
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public Builder<S, E> commandDecodeFailurePolicy(DecodeFailurePolicy policy) {
      this.commandDecodeFailurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how long one command (or load) may take in all, unless its {@link CommandOptions} say
     * otherwise (default {@link #DEFAULT_COMMAND_TIMEOUT}, 30 seconds): loading, deciding, every
     * conflict and transient-failure retry, the stores' own retries and the snapshot save end by
     * this one deadline, which every store call is given. Keep it longer than a stream-leader
     * failover (several seconds on a three-node cluster) and shorter than the stream's duplicate
     * window (2 minutes by default), so that a retry within one command is always recognised by
     * its event ids.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public Builder<S, E> commandTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("command timeout must be positive, was " + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * Sets how many of an actor's latest events a command with a command id is looked for in when
     * the actor is loaded (default {@link #DEFAULT_COMMAND_ID_HORIZON}, 100). The events after
     * the latest snapshot are always examined; if they are fewer, events before the snapshot are
     * read until this many are examined. A retry whose earlier execution is further back, and
     * also outside the store's duplicate window, is applied again; see {@link CommandIds}.
     *
     * @param events the horizon in events, 0 or more (0: only the events after the snapshot)
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder<S, E> commandIdHorizon(int events) {
      if (events < 0) {
        throw new IllegalArgumentException("command id horizon must not be negative, was "
            + events);
      }
      this.commandIdHorizon = events;
      return this;
    }

    /**
     * Sets where {@link ActorRepository#executeAsync} and {@link ActorRepository#loadAsync} run
     * (they block a thread of it on the stores). Default: a shared pool of daemon threads named
     * {@code aether-actor-async-<n>} that grows as needed and lets idle threads end after 60 s.
     *
     * @param executor the executor
     * @return this builder
     * @throws NullPointerException if {@code executor} is null
     */
    public Builder<S, E> executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Traces commands and loads with OpenTelemetry (default: nothing traced, and no OpenTelemetry
     * class loaded): {@link ActorRepository#execute execute} records a span {@code
     * aether.actor.command} and {@link ActorRepository#load load} a span {@code
     * aether.actor.load}, each a child of the caller's current span (or of the {@code
     * traceparent} in the command's metadata), current while the stores work so that their spans
     * nest under it. The command's events carry its trace context in their metadata ({@code
     * traceparent}, {@code tracestate}: the CloudEvents distributed-tracing extension) unless the
     * command's metadata already has one, so every handler of the events joins the trace.
     *
     * @param openTelemetry the OpenTelemetry to record spans with
     * @return this builder
     * @throws NullPointerException if {@code openTelemetry} is null
     * @throws IllegalStateException if tracing was already set
     */
    @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
    public Builder<S, E> openTelemetry(OpenTelemetry openTelemetry) {
      Objects.requireNonNull(openTelemetry, "openTelemetry");
      if (tracing != Tracing.none()) {
        throw new IllegalStateException("openTelemetry is already set");
      }
      this.tracing = Tracing.of(openTelemetry);
      return this;
    }

    /**
     * Sets who is told about events that cannot be decoded.
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
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
      if (snapshotPolicy != null && snapshotStore == null) {
        throw new IllegalStateException("a snapshot policy was set but no snapshot store: call"
            + " snapshots(..) too, or drop the policy");
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
