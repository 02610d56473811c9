package one.flowmade.aether.actor;

import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.codec.DecodeFailureListener;
import one.flowmade.aether.codec.DecodeFailurePolicy;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.codec.StateCodec;
import org.jspecify.annotations.Nullable;

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

  /** The default of {@link Builder#commandTimeout(Duration)}: 30 seconds. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(30);

  /** The default of {@link Builder#commandIdHorizon(int)}: 100 events. */
  public static final int DEFAULT_COMMAND_ID_HORIZON = 100;

  private static final String ACTOR_ID_ATTRIBUTE = "aether.actor.id";

  private final ActorLoader<S, E> loader;
  private final SnapshotSaver<S> snapshots;
  private final CommandExecution<S, E> commands;
  private final DecodeFailurePolicy decodeFailurePolicy;
  private final DecodeFailurePolicy commandDecodeFailurePolicy;
  private final Duration commandTimeout;
  private final Executor executor;
  private final Tracing tracing;

  private ActorRepository(Builder<S, E> b) {
    EventStore eventStore = Objects.requireNonNull(b.eventStore, "checked by build()");
    EventCodec codec = Objects.requireNonNull(b.codec, "checked by build()");
    this.loader = new ActorLoader<>(b.model, b.eventClass, eventStore, codec,
        b.snapshotStore, b.stateCodec, b.decodeFailureListener, b.commandIdHorizon);
    SnapshotPolicy snapshotPolicy = b.snapshotPolicy != null ? b.snapshotPolicy
        : b.snapshotStore != null ? SnapshotPolicy.everyEvents(100) : SnapshotPolicy.never();
    this.snapshots = new SnapshotSaver<>(b.snapshotStore, b.stateCodec, snapshotPolicy);
    this.commands = new CommandExecution<>(b.model, codec, loader,
        new AppendRetries(eventStore, b.retryPolicy), snapshots, b.commandDecodeFailurePolicy);
    this.decodeFailurePolicy = b.decodeFailurePolicy;
    this.commandDecodeFailurePolicy = b.commandDecodeFailurePolicy;
    this.commandTimeout = b.commandTimeout;
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
   * @throws one.flowmade.aether.AetherTransientException if the calling thread is interrupted while
   *     waiting (the interrupt flag is set again): nothing changed
   * @throws IllegalStateException if a store is closed
   */
  public ActorState<S> load(String actorId) {
    Limits.checkActorId(actorId);
    Tracing.Operation span = tracing.start("aether.actor.load", Tracing.Kind.INTERNAL, null)
        .attribute(ACTOR_ID_ATTRIBUTE, actorId);
    try (Tracing.CurrentScope ignored = span.makeCurrent()) {
      return loader.load(actorId, Deadline.after(commandTimeout), decodeFailurePolicy, null)
          .state();
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
   * @throws IllegalArgumentException if the actor id is empty or too long, an event is larger
   *     than the store accepts, or the codec cannot encode a decided event (its class is not
   *     registered): fix the call or the codec
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
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the append for
   *     good (the message says why): retrying does not help
   * @throws one.flowmade.aether.AetherTransientException if the calling thread is interrupted (the
   *     interrupt flag is set again): the events may have been stored, so execute again with the
   *     same command id to find out
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
   *     reserved key {@link CommandIds#METADATA_KEY}, an event is larger than the store accepts,
   *     or the codec cannot encode a decided event: fix the call or the codec
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
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the append for
   *     good (the message says why): retrying does not help
   * @throws one.flowmade.aether.AetherTransientException if the calling thread is interrupted (the
   *     interrupt flag is set again): the events may have been stored, so execute again with the
   *     same command id to find out
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
   * @throws IllegalArgumentException if the actor id is empty or too long, an event is larger
   *     than the store accepts, or the codec cannot encode a decided event (its class is not
   *     registered): fix the call or the codec
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
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the append for
   *     good (the message says why): retrying does not help
   * @throws one.flowmade.aether.AetherTransientException if the calling thread is interrupted (the
   *     interrupt flag is set again): the events may have been stored, so execute again with the
   *     same command id to find out
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
      CommandResult<S, E> result = commands.execute(actorId, options, decider,
          options.deadlineFrom(commandTimeout), span);
      span.attribute("aether.command.attempts", result.attempts());
      return result;
    } catch (RuntimeException | Error e) {
      span.failed(e);
      throw e;
    } finally {
      span.end();
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
   * @throws IllegalArgumentException if the actor id is empty or too long ({@link Limits})
   * @throws DecodingException if an event cannot be decoded (default policy): fix the codec
   *     (register the type, add an upcaster) or the data
   * @throws StoreUnavailableException if the store could not be reached in time: nothing
   *     changed; retry later
   * @throws PermissionDeniedException if the store's NATS user may not read the namespace: a
   *     deployment error, retrying does not help
   * @throws IllegalStateException if a store is closed
   */
  public HostedState<S> loadForHosting(String actorId, Deadline deadline) {
    Limits.checkActorId(actorId);
    Objects.requireNonNull(deadline, "deadline");
    return loader.loadForHosting(actorId, deadline, commandDecodeFailurePolicy);
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
   *     the events were stored: drop the cached state, reload, and run the command again with
   *     the same command id
   * @throws StoreUnavailableException if the store could not be reached and nothing was stored:
   *     the cached state is still right; retry later
   * @throws IllegalArgumentException if an event is larger than the store accepts or the codec
   *     cannot encode a decided event: fix the call or the codec
   * @throws PermissionDeniedException if the store's NATS user may not write the namespace: a
   *     deployment error, retrying does not help
   * @throws one.flowmade.aether.AetherNonTransientException if the server refused the append for
   *     good
   * @throws one.flowmade.aether.AetherTransientException if the calling thread is interrupted (the
   *     interrupt flag is set again): the outcome is unknown, as for {@link
   *     AppendOutcomeUnknownException}
   * @throws IllegalStateException if the store is closed
   * @throws RuntimeException whatever the decider throws to reject the command
   */
  public CommandResult<S, E> executeOn(ActorState<S> current, long lastSnapshotVersion,
      CommandOptions options, Decider<S, E> decider) {
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(decider, "decider");
    return commands.executeOn(current, lastSnapshotVersion, options, decider,
        options.deadlineFrom(commandTimeout));
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
    return snapshots.due(after, lastSnapshotVersion, appended);
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
    return snapshots.onPassivation(state, lastSnapshotVersion, Deadline.after(commandTimeout));
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
      Set<String> commandIds) {

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if a field is null
     */
    public HostedState {
      Objects.requireNonNull(state, "state");
      commandIds = Set.copyOf(commandIds);
    }
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
    private @Nullable EventStore eventStore;
    private @Nullable EventCodec codec;
    private @Nullable SnapshotStore snapshotStore;
    private @Nullable StateCodec<S> stateCodec;
    private @Nullable SnapshotPolicy snapshotPolicy;
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private DecodeFailurePolicy decodeFailurePolicy = DecodeFailurePolicy.REPORT_AND_SKIP;
    private DecodeFailurePolicy commandDecodeFailurePolicy = DecodeFailurePolicy.FAIL;
    private DecodeFailureListener decodeFailureListener = DecodeFailureListener.none();
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private int commandIdHorizon = DEFAULT_COMMAND_ID_HORIZON;
    private @Nullable Executor executor;
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
