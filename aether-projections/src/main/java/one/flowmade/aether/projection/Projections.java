package one.flowmade.aether.projection;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Position;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's entry to the projections of one namespace and one checkpoint store: list them
 * with position, epoch, lag and parked events; reset one to the beginning, a position or a
 * time; list and clear its parking list; and start a blue/green rebuild of a registered one.
 *
 * <pre>{@code
 * Projections projections = Projections.of(checkpoints, eventStore).register(balances);
 * projections.list();                              // every checkpoint key the store holds
 * projections.reset("orders", Position.beginning());
 * projections.rebuild("balances", balancesV2, v2 -> readers.use("balance_v2")).start();
 * }</pre>
 *
 * <p>A reset follows {@link Projection#resetTo(Position)}: it refuses while an instance
 * registered here is running, and it fences every other instance of the key (the epoch
 * increases), wherever it runs: that one stops with {@link CheckpointFencedException} at its
 * next commit. Register the instances of this process so that a reset cannot fence them by
 * surprise.
 *
 * <p>Thread-safe; methods block on the stores and throw {@link
 * one.flowmade.aether.AetherTransientException} when they cannot be reached.
 */
public final class Projections {
  private static final Logger LOG = LoggerFactory.getLogger(Projections.class);
  private static final int MAX_KEYS_SHOWN = 10;

  private final CheckpointStore checkpoints;
  private final EventStore events;
  private final Map<String, Projection> registered = new ConcurrentHashMap<>();

  private Projections(CheckpointStore checkpoints, EventStore events) {
    this.checkpoints = checkpoints;
    this.events = events;
  }

  /**
   * Returns the entry for the projections whose checkpoints are in {@code checkpoints} and
   * whose events come from {@code events} (for lag, and resets to a time).
   *
   * @param checkpoints the checkpoint store
   * @param events the namespace's event store; not closed
   * @return the entry
   */
  public static Projections of(CheckpointStore checkpoints, EventStore events) {
    return new Projections(Objects.requireNonNull(checkpoints, "checkpoints"),
        Objects.requireNonNull(events, "events"));
  }

  /**
   * Registers an instance running (or to run) in this process, by its checkpoint key: it shows
   * its state in {@link #list()}, a reset of its key is refused while it runs, and it can be
   * rebuilt.
   *
   * @param projection the projection
   * @return this entry
   * @throws IllegalArgumentException if another instance with the same key is registered
   */
  public Projections register(Projection projection) {
    Objects.requireNonNull(projection, "projection");
    Projection old = registered.putIfAbsent(projection.checkpointKey(), projection);
    if (old != null && old != projection) {
      throw new IllegalArgumentException("another projection with checkpoint key '"
          + projection.checkpointKey() + "' is registered already");
    }
    return this;
  }

  /**
   * Lists every projection whose checkpoint the store holds, in key order.
   *
   * @return one entry per checkpoint key
   * @throws UnsupportedOperationException if the store cannot list ({@link CheckpointStore#list()})
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store cannot be reached:
   *     retry later (an event store that cannot be reached shows as lag -1)
   */
  public List<ProjectionInfo> list() {
    long last;
    try {
      last = events.lastPosition();
    } catch (RuntimeException e) {
      last = -1;
    }
    List<ProjectionInfo> all = new ArrayList<>();
    for (Map.Entry<String, Checkpoint> e : checkpoints.list().entrySet()) {
      all.add(info(e.getKey(), e.getValue(), last));
    }
    return List.copyOf(all);
  }

  /**
   * Returns what is known about one projection.
   *
   * @param key the checkpoint key
   * @return the entry, empty if the store holds no checkpoint of that key
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store cannot be reached:
   *     retry later (an event store that cannot be reached shows as lag -1)
   */
  public Optional<ProjectionInfo> info(String key) {
    Objects.requireNonNull(key, "key");
    long last;
    try {
      last = events.lastPosition();
    } catch (RuntimeException e) {
      last = -1;
    }
    long l = last;
    return checkpoints.load(key).map(c -> info(key, c, l));
  }

  private ProjectionInfo info(String key, Checkpoint c, long last) {
    int parked;
    try {
      parked = checkpoints.parked(key).size();
    } catch (UnsupportedOperationException e) {
      parked = -1;
    }
    Projection p = registered.get(key);
    return new ProjectionInfo(key, c.position(), c.epoch(),
        last < 0 ? -1 : Math.max(0, last - c.position()), parked,
        Optional.ofNullable(p).map(Projection::state));
  }

  /**
   * Resets a projection's checkpoint so that its next start applies events from {@code from}
   * ({@link Position#beginning()}, {@link Position#at(long)}, or {@link Position#end()} to skip
   * everything stored now). Fences every instance of the key that is not registered here.
   *
   * @param key the checkpoint key
   * @param from where the next start applies from
   * @return the checkpoint's new position (the last position not to be applied again)
   * @throws IllegalArgumentException if the store holds no checkpoint of that key (the message
   *     names the key, what to check and, where the store can list, up to ten keys it holds;
   *     nothing is changed)
   * @throws IllegalStateException if an instance registered here is running
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store or (for {@link
   *     Position#end()}) the event store cannot be reached: retry later
   */
  public long reset(String key, Position from) {
    Objects.requireNonNull(from, "from");
    long next = from instanceof Position.At at ? at.position() : events.lastPosition() + 1;
    return resetCheckpoint(key, next - 1);
  }

  /**
   * Resets a projection's checkpoint so that its next start applies events from the first one
   * whose timestamp is at or after {@code time} (binary search; assumes timestamps grow with
   * position).
   *
   * @param key the checkpoint key
   * @param time the earliest event time to apply again
   * @return the checkpoint's new position
   * @throws IllegalArgumentException if the store holds no checkpoint of that key
   * @throws IllegalStateException if an instance registered here is running
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store or the event store
   *     cannot be reached: retry later
   */
  public long reset(String key, Instant time) {
    Objects.requireNonNull(time, "time");
    return resetCheckpoint(key, TimeSearch.lastBefore(events, time));
  }

  private long resetCheckpoint(String key, long position) {
    Objects.requireNonNull(key, "key");
    Projection p = registered.get(key);
    if (p != null) {
      ProjectionState s = p.state();
      if (s == ProjectionState.CATCHING_UP || s == ProjectionState.LIVE) {
        throw new IllegalStateException("projection " + key + " is running here (" + s
            + "); close it before resetting");
      }
    }
    if (checkpoints.load(key).isEmpty()) {
      throw new IllegalArgumentException("cannot reset projection '" + key + "': this"
          + " checkpoint store holds no checkpoint of that key (no instance of it was ever started"
          + " on this store). Check the key (a partition's is <name>-p<i>of<n>; " + heldKeys()
          + "), or start the projection once to create its checkpoint; nothing was changed");
    }
    checkpoints.reset(key, position);
    LOG.warn("projection {} reset by request: its next start applies events after position {};"
        + " any running instance is fenced", key, position);
    return position;
  }

  /** Names the keys the store holds, at most ten, for an error message; never fails. */
  private String heldKeys() {
    try {
      Set<String> keys = checkpoints.list().keySet();
      if (keys.isEmpty()) {
        return "the store holds no checkpoint at all";
      }
      String shown = keys.stream().limit(MAX_KEYS_SHOWN).collect(Collectors.joining(", "));
      return "the store holds " + shown + (keys.size() > MAX_KEYS_SHOWN
          ? " and " + (keys.size() - MAX_KEYS_SHOWN) + " more" : "");
    } catch (RuntimeException e) {
      // list() is optional (the default throws) and the store may be unreachable: the message
      // must still say what is wrong.
      return "the store cannot list its keys: " + e.getClass().getSimpleName();
    }
  }

  /**
   * Returns a projection's parking list.
   *
   * @param key the checkpoint key
   * @return the parked events, oldest first
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store cannot be reached:
   *     retry later
   * @throws UnsupportedOperationException if the checkpoint store keeps no parking list
   */
  public List<ParkedEvent> parked(String key) {
    return checkpoints.parked(Objects.requireNonNull(key, "key"));
  }

  /**
   * Empties a projection's parking list; the events stay past its checkpoint, unapplied. To
   * apply them again, use {@link Projection#retryParked()} on an instance with the handlers
   * (running, or not running: it then claims the checkpoint).
   *
   * @param key the checkpoint key
   * @return how many were removed
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store cannot be reached:
   *     retry later
   * @throws UnsupportedOperationException if the checkpoint store keeps no parking list
   */
  public int clearParked(String key) {
    int n = checkpoints.clearParked(Objects.requireNonNull(key, "key"));
    LOG.warn("projection {}: {} parked events cleared by request", key, n);
    return n;
  }

  /**
   * Builds a blue/green rebuild of a registered projection into {@code replacement} (another
   * name), switching with {@code onSwitch}; call {@link ProjectionRebuild#start()} on it. The
   * replacement is registered too.
   *
   * @param servingKey the checkpoint key of the registered, serving projection
   * @param replacement the new version, built under a new name, not started
   * @param onSwitch points readers at the new read model once it is live
   * @return the rebuild, not started
   * @throws IllegalArgumentException if no projection of {@code servingKey} is registered, or
   *     the replacement's key is the same or registered already
   */
  public ProjectionRebuild rebuild(String servingKey, Projection replacement,
      Consumer<Projection> onSwitch) {
    Objects.requireNonNull(servingKey, "servingKey");
    Projection serving = registered.get(servingKey);
    if (serving == null) {
      throw new IllegalArgumentException("no projection '" + servingKey + "' is registered"
          + " here; registered: " + registered.keySet());
    }
    ProjectionRebuild rebuild = ProjectionRebuild.builder().serving(serving)
        .replacement(replacement).onSwitch(onSwitch).build();
    register(replacement);
    return rebuild;
  }
}
