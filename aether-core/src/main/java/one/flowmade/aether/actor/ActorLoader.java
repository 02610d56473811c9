package one.flowmade.aether.actor;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventStream;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.Snapshot;
import one.flowmade.aether.SnapshotStore;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.codec.DecodeFailureListener;
import one.flowmade.aether.codec.DecodeFailurePolicy;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.codec.StateCodec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads an actor for {@link ActorRepository}: its latest snapshot, if any and decodable, plus the
 * replay of every event after it, decoded under a {@link DecodeFailurePolicy}; while replaying it
 * looks for a command id's earlier events (within the command-id horizon, reading before the
 * snapshot when the events after it are fewer) and collects the command ids a host needs.
 *
 * <p>Thread-safe (holds no mutable state); blocks on the stores until the caller's deadline.
 *
 * @param <S> the state type
 * @param <E> the event type
 */
final class ActorLoader<S, E> {

  private static final Logger LOG = LoggerFactory.getLogger(ActorRepository.class);
  private static final int PAGE = 512;

  private final ActorModel<S, E> model;
  private final Class<E> eventClass;
  private final EventStore eventStore;
  private final EventCodec codec;
  private final @Nullable SnapshotStore snapshotStore;
  private final @Nullable StateCodec<S> stateCodec;
  private final DecodeFailureListener decodeFailureListener;
  private final int commandIdHorizon;

  ActorLoader(ActorModel<S, E> model, Class<E> eventClass, EventStore eventStore,
      EventCodec codec, @Nullable SnapshotStore snapshotStore, @Nullable StateCodec<S> stateCodec,
      DecodeFailureListener decodeFailureListener, int commandIdHorizon) {
    this.model = model;
    this.eventClass = eventClass;
    this.eventStore = eventStore;
    this.codec = codec;
    this.snapshotStore = snapshotStore;
    this.stateCodec = stateCodec;
    this.decodeFailureListener = decodeFailureListener;
    this.commandIdHorizon = commandIdHorizon;
  }

  /**
   * An actor as loaded: its state, the version of the snapshot it started from (0 if none) and,
   * if a command id was looked for and found, that command's earlier events.
   */
  record Loaded<S, E>(ActorState<S> state, long snapshotVersion, @Nullable Earlier<E> earlier) {}

  /** A command's events found in the store, and where they were appended. */
  record Earlier<E>(List<E> events, AppendResult append) {}

  /**
   * Loads an actor; with a {@code commandId}, also looks for that command's earlier events.
   *
   * @param commandId the command id to look for, or null
   */
  Loaded<S, E> load(String actorId, Deadline deadline, DecodeFailurePolicy policy,
      @Nullable String commandId) {
    return load(actorId, deadline, policy, commandId, null);
  }

  /**
   * Loads an actor to host it: the state plus the command ids of at least the horizon's latest
   * events (reading before the snapshot when the events after it hold fewer).
   */
  ActorRepository.HostedState<S> loadForHosting(String actorId, Deadline deadline,
      DecodeFailurePolicy policy) {
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    Loaded<S, E> loaded = load(actorId, deadline, policy, null, ids);
    if (loaded.snapshotVersion() > 0 && ids.size() < commandIdHorizon) {
      long from = Math.max(1, loaded.snapshotVersion() - commandIdHorizon + 1);
      for (long v = from; v <= loaded.snapshotVersion(); ) {
        int limit = (int) Math.min(PAGE, loaded.snapshotVersion() - v + 1);
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
    return new ActorRepository.HostedState<>(loaded.state(), loaded.snapshotVersion(),
        Set.copyOf(ids));
  }

  private Loaded<S, E> load(String actorId, Deadline deadline, DecodeFailurePolicy policy,
      @Nullable String commandId, @Nullable Set<String> seenCommandIds) {
    S state = null;
    long version = 0;
    long position = 0;
    long snapshotVersion = 0;
    if (snapshotStore != null) {
      Optional<Snapshot> snapshot = snapshotStore.load(actorId, deadline);
      if (snapshot.isPresent()) {
        try {
          state = Objects.requireNonNull(stateCodec, "set with the snapshot store")
              .decode(snapshot.get().state());
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

  /** Returns the decoded event, or null if it cannot be decoded and the policy skips it. */
  private @Nullable E decode(Event event, DecodeFailurePolicy policy) {
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
}
