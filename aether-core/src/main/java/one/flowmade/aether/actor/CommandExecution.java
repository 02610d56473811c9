package one.flowmade.aether.actor;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.codec.DecodeFailurePolicy;
import one.flowmade.aether.codec.EventCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ActorRepository}'s commands: load (through {@link ActorLoader}), answer a command
 * id that was applied before, decide, encode the events (ids derived from the command id), append
 * (through {@link AppendRetries}), decide again on a conflict, apply the events and let the
 * {@link SnapshotSaver} snapshot. {@link #executeOn} does the same once on a state the caller
 * holds.
 *
 * <p>Thread-safe (holds no mutable state); blocks on the stores until the command's deadline.
 *
 * @param <S> the state type
 * @param <E> the event type
 */
final class CommandExecution<S, E> {

  private static final Logger LOG = LoggerFactory.getLogger(ActorRepository.class);

  private final ActorModel<S, E> model;
  private final EventCodec codec;
  private final ActorLoader<S, E> loader;
  private final AppendRetries appends;
  private final SnapshotSaver<S> snapshots;
  private final DecodeFailurePolicy commandDecodeFailurePolicy;

  CommandExecution(ActorModel<S, E> model, EventCodec codec, ActorLoader<S, E> loader,
      AppendRetries appends, SnapshotSaver<S> snapshots,
      DecodeFailurePolicy commandDecodeFailurePolicy) {
    this.model = model;
    this.codec = codec;
    this.loader = loader;
    this.appends = appends;
    this.snapshots = snapshots;
    this.commandDecodeFailurePolicy = commandDecodeFailurePolicy;
  }

  /** Executes a command by the deadline in the command's span, whose context the events carry. */
  CommandResult<S, E> execute(String actorId, CommandOptions options, Decider<S, E> decider,
      Deadline deadline, Tracing.Operation span) {
    String commandId = options.commandId().orElse(null);
    // The events carry the command's trace context, so every handler of them joins its trace.
    Metadata metadata = span.inject(metadata(options, commandId));
    for (int attempt = 1; ; attempt++) {
      ActorLoader.Loaded<S, E> loaded = loader.load(actorId, deadline,
          commandDecodeFailurePolicy, commandId);
      ActorLoader.Earlier<E> earlier = loaded.earlier();
      if (earlier != null) {
        LOG.debug("command '{}' on actor '{}' was applied before (versions {}..{}); nothing"
            + " appended", commandId, actorId, earlier.append().firstVersion(),
            earlier.append().lastVersion());
        return new CommandResult<>(loaded.state(), earlier.events(),
            Optional.of(earlier.append()), attempt - 1, true);
      }
      List<E> decided = List.copyOf(decider.decide(loaded.state().state()));
      if (decided.isEmpty()) {
        return new CommandResult<>(loaded.state(), List.of(), Optional.empty(), attempt);
      }
      AppendResult appended;
      try {
        appended = appends.append(actorId, loaded.state().expectedVersion(),
            newEvents(actorId, commandId, metadata, decided), deadline);
      } catch (VersionConflictException conflict) {
        if (attempt >= appends.maxAttempts() || deadline.isExpired()) {
          throw VersionConflictException.afterAttempts(conflict, attempt);
        }
        LOG.debug("conflict on actor '{}' (attempt {}): {}", actorId, attempt,
            conflict.getMessage());
        appends.backOffConflict(attempt, deadline);
        continue;
      }
      ActorState<S> after = applied(loaded.state(), decided, appended);
      snapshots.afterCommand(after, loaded.snapshotVersion(), decided.size(), deadline);
      return new CommandResult<>(after, decided, Optional.of(appended), attempt);
    }
  }

  /** Executes a command once on the caller's state, by the deadline; see the public twin. */
  CommandResult<S, E> executeOn(ActorState<S> current, long lastSnapshotVersion,
      CommandOptions options, Decider<S, E> decider, Deadline deadline) {
    String actorId = current.actorId();
    String commandId = options.commandId().orElse(null);
    List<E> decided = List.copyOf(decider.decide(current.state()));
    if (decided.isEmpty()) {
      return new CommandResult<>(current, List.of(), Optional.empty(), 1);
    }
    AppendResult appended = appends.append(actorId, current.expectedVersion(),
        newEvents(actorId, commandId, metadata(options, commandId), decided), deadline);
    if (appended.firstVersion() <= current.version()) {
      // the store recognised the ids: the command was applied before the caller's state
      throw new VersionConflictException(actorId, current.expectedVersion(),
          appended.lastVersion());
    }
    ActorState<S> after = applied(current, decided, appended);
    snapshots.afterCommand(after, lastSnapshotVersion, decided.size(), deadline);
    return new CommandResult<>(after, decided, Optional.of(appended), 1);
  }

  private static Metadata metadata(CommandOptions options, @Nullable String commandId) {
    return commandId == null ? options.metadata()
        : options.metadata().with(CommandIds.METADATA_KEY, commandId);
  }

  /** Encodes decided events with the metadata; with a command id, their ids derive from it. */
  private List<NewEvent> newEvents(String actorId, @Nullable String commandId, Metadata metadata,
      List<E> decided) {
    List<NewEvent> newEvents = new ArrayList<>(decided.size());
    for (int i = 0; i < decided.size(); i++) {
      NewEvent event = codec.toNewEvent(decided.get(i)).withMetadata(metadata);
      if (commandId != null) {
        event = event.withId(CommandIds.eventId(actorId, commandId, i));
      }
      newEvents.add(event);
    }
    return newEvents;
  }

  private ActorState<S> applied(ActorState<S> before, List<E> decided, AppendResult appended) {
    S state = before.state();
    for (E event : decided) {
      state = model.apply(state, event);
    }
    return new ActorState<>(before.actorId(), state, appended.lastVersion(),
        appended.lastPosition());
  }
}
