package one.flowmade.aether.projection;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.Position;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.codec.EventCodec;
import org.jspecify.annotations.Nullable;

/**
 * A named, checkpointed consumer of a namespace's events that maintains a read model.
 *
 * <p>On {@link #start()} it claims its checkpoint (fencing any earlier instance of the same name),
 * subscribes to the namespace after the checkpoint's position, and applies events on its own
 * thread, in position order — so per-actor order always holds, and global order holds within the
 * projection (or its partition). Events are applied in units of work of up to {@code batchSize}
 * events; each unit ends by committing the checkpoint. With a {@link JdbcCheckpointStore} the
 * handlers write through the unit's {@link ProjectionContext#connection() connection} and their
 * effects commit with the checkpoint: exactly-once effects. The same holds with a {@link
 * KvReadModel} for handlers that write through the unit's {@link ProjectionContext#kvBatch() KV
 * batch}: its rows and the checkpoint are one atomic batch. With other stores delivery is at least
 * once; handlers use {@link ProjectionContext#eventId()} or {@link ProjectionContext#position()}
 * to make effects idempotent.
 *
 * <p>Failures follow the {@link ErrorPolicy}; nothing is skipped silently. A checkpoint ahead of
 * the namespace's last position (stream recreated, wrong namespace) fails the start with a clear
 * error rather than skipping. A stale instance (another one claimed the checkpoint) fails with a
 * {@link CheckpointFencedException} and applies nothing more.
 *
 * <p>Thread-safe. {@link #close()} stops the projection cleanly at any point, also while catching
 * up: the unit of work in progress is rolled back or committed, never half-applied.
 */
public final class Projection implements AutoCloseable {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final ProjectionSettings settings;
  final ProjectionRuntime runtime;

  private Projection(ProjectionSettings settings) {
    this.settings = settings;
    this.runtime = new ProjectionRuntime(settings);
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the projection's name.
   *
   * @return the name
   */
  public String name() {
    return settings.name();
  }

  /**
   * Returns the key of this projection's checkpoint: the name, plus {@code -p<i>of<n>} when it
   * processes one partition of several.
   *
   * @return the checkpoint key
   */
  public String checkpointKey() {
    return settings.key();
  }

  /**
   * Returns the partition an actor belongs to: a stable hash (CRC-32 of its UTF-8 bytes) modulo
   * the number of partitions.
   *
   * @param actorId the actor, not empty
   * @param partitions the number of partitions, at least 1
   * @return the partition, 0 to {@code partitions - 1}
   * @throws NullPointerException if {@code actorId} is null
   * @throws IllegalArgumentException if {@code actorId} is empty or {@code partitions} is less
   *     than 1
   */
  public static int partitionOf(String actorId, int partitions) {
    Objects.requireNonNull(actorId, "actorId");
    if (actorId.isEmpty()) {
      throw new IllegalArgumentException("actorId must not be empty (no stored event has an empty"
          + " actor id)");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
    }
    return partitionOfChecked(actorId, partitions);
  }

  /** {@link #partitionOf} for the actor id of a stored event and a count checked by the builder. */
  static int partitionOfChecked(String actorId, int partitions) {
    CRC32 crc = new CRC32();
    crc.update(actorId.getBytes(StandardCharsets.UTF_8));
    return (int) (crc.getValue() % partitions);
  }

  /**
   * Starts the projection: claims the checkpoint, subscribes after it and applies events on the
   * projection's own thread. Returns once subscribed; {@link #status()} shows the progress.
   *
   * @throws IllegalStateException if it was started before, or if the checkpoint is ahead of the
   *     namespace's last position (the projection is then {@link ProjectionState#FAILED}; reset it
   *     with {@link #resetTo(Position)} to rebuild)
   * @throws AetherTransientException if the checkpoint store or the event store cannot be
   *     reached while the checkpoint is claimed, the namespace's last position read or the
   *     subscription opened (a {@link one.flowmade.aether.StoreUnavailableException} from {@code
   *     subscribe}): nothing runs, the projection stays {@link ProjectionState#NEW} (the error in
   *     {@link ProjectionStatus#lastError()}) and may be started again
   * @throws one.flowmade.aether.PermissionDeniedException if the event store's NATS user may not
   *     read the namespace or create the subscription: a deployment error; the projection is
   *     then {@link ProjectionState#FAILED} with the error in its status, applied nothing, and
   *     can be reset and closed; fix the permissions, then build a new one to run (a failed
   *     instance is not started again). Any other exception from {@code subscribe} does the same
   */
  public void start() {
    runtime.start(0);
  }

  /**
   * Starts the projection as the owner of an epoch fenced elsewhere: claims the checkpoint with
   * {@link CheckpointStore#claim(String, long)} instead of increasing its epoch, then runs as
   * {@link #start()} does. For owners whose right to run comes with a monotonic number — the
   * assignment epoch under which a cluster node acquired a shard (see {@code
   * aether-projections-cluster}) or a leader's fencing token: an older owner, holding a lower
   * epoch, can then neither claim nor commit, whatever the timing.
   *
   * @param ownerEpoch the caller's epoch, at least 1
   * @throws CheckpointFencedException if the checkpoint holds a higher epoch (a newer owner
   *     claimed it); the projection is then {@link ProjectionState#FAILED} and applied nothing
   * @throws IllegalArgumentException if {@code ownerEpoch} is less than 1
   * @throws IllegalStateException as for {@link #start()}
   * @throws AetherTransientException as for {@link #start()}
   */
  public void start(long ownerEpoch) {
    if (ownerEpoch < 1) {
      throw new IllegalArgumentException("the owner epoch must be at least 1, was " + ownerEpoch);
    }
    runtime.start(ownerEpoch);
  }

  /**
   * Returns the projection's progress now. Asks the event store for its last position (one
   * request for a JetStream store). Before {@link #start()}, the position is the stored
   * checkpoint's, read from the checkpoint store without claiming it (where a start would resume,
   * or where an instance running elsewhere has got to; the position this instance knows if the
   * checkpoint store cannot be reached).
   *
   * @return the status; {@code lagEvents} is -1 when the store could not be asked
   */
  public ProjectionStatus status() {
    return runtime.status();
  }

  /**
   * Returns the state now; unlike {@link #status()} it asks no store.
   *
   * @return the state
   */
  public ProjectionState state() {
    return runtime.progress.state();
  }

  /**
   * Returns the events parked under {@link ErrorPolicy#park()}, oldest first. The list is kept
   * in the checkpoint store ({@link CheckpointStore#parked(String)}), so it survives a restart
   * and any instance of the same checkpoint key sees it; every park is also logged.
   *
   * @return the parked events
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store cannot be
   *     reached
   * @throws UnsupportedOperationException if the checkpoint store keeps no parking list ({@link
   *     CheckpointStore#park})
   */
  public List<ParkedEvent> parked() {
    return runtime.outcomes.parked();
  }

  /**
   * Applies every parked event again, each in its own unit of work (the checkpoint does not move);
   * those that succeed leave the list, the others stay with their new cause. On a running
   * projection the units run under its claim, between its own units of work. On one that is not
   * running (new, stopped or failed) it first claims the checkpoint, as {@link #start()} does:
   * like {@link #resetTo(Position)}, that fences any other instance of the key wherever it runs
   * (it stops with {@link CheckpointFencedException} at its next commit), so call it there only
   * when no other instance should run, and not on a partition a cluster runs. Blocks until every
   * parked event was tried.
   *
   * @return how many were applied and left the list
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store or the event store
   *     cannot be reached: the events not retried yet stay parked; retry later
   * @throws CheckpointFencedException if another instance claimed the checkpoint meanwhile: the
   *     events not applied yet stay parked with their cause; retry them on the instance that runs
   * @throws IllegalStateException if the projection is not running and its {@link
   *     Builder#ownership owner check} answers false (nothing is claimed)
   * @throws UnsupportedOperationException if the checkpoint store keeps no parking list
   */
  public int retryParked() {
    return runtime.outcomes.retryParked();
  }

  /**
   * Empties the parking list; the events stay past the checkpoint and are not applied.
   *
   * @return how many were removed
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store cannot be reached:
   *     retry later
   * @throws UnsupportedOperationException if the checkpoint store keeps no parking list
   */
  public int clearParked() {
    return runtime.outcomes.clearParked();
  }

  /**
   * Resets the checkpoint so that the next start applies events from {@code from} on. Only on a
   * projection that is not running (new, stopped or failed); also fences any other instance.
   *
   * @param from {@link Position#beginning()}, {@link Position#at(long)}; {@link Position#end()}
   *     skips everything stored now
   * @throws IllegalStateException if this projection is running
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store or (for {@link
   *     Position#end()}) the event store cannot be reached: retry; the checkpoint is unchanged
   *     unless the reset itself reached the store
   */
  public void resetTo(Position from) {
    Objects.requireNonNull(from, "from");
    long next = from instanceof Position.At at ? at.position()
        : settings.store().lastPosition() + 1;
    runtime.resetCheckpoint(next - 1);
  }

  /**
   * Resets the checkpoint so that the next start applies events from the first one whose
   * timestamp is at or after {@code time}. Assumes timestamps grow with position (they are set
   * by the appending clients); found by binary search over the namespace.
   *
   * @param time the earliest event time to apply again
   * @throws IllegalStateException if this projection is running
   * @throws one.flowmade.aether.AetherTransientException if the checkpoint store or the event store
   *     cannot be reached: retry later
   */
  public void resetTo(Instant time) {
    runtime.resetCheckpoint(runtime.lastBefore(Objects.requireNonNull(time, "time")));
  }

  /**
   * Stops the projection: no handler call starts after this returns. Waits up to 10 s for the
   * unit of work in progress. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }

  /**
   * Builds a {@link Projection}. Not thread-safe; each input is checked when set.
   */
  public static final class Builder {
    private @Nullable String name;
    private @Nullable EventStore store;
    private @Nullable EventCodec codec;
    private final Map<String, Handlers.Typed<?>> handlers = new HashMap<>();
    private @Nullable ProjectionHandler<Event> anyHandler;
    private @Nullable CheckpointStore checkpoints;
    private ErrorPolicy policy = ErrorPolicy.stop();
    private int batchSize = 100;
    private int partition = 0;
    private int partitions = 1;
    private BooleanSupplier ownership = () -> true;
    private @Nullable MeterRegistry meterRegistry;
    private Tracing tracing = Tracing.none();
    private @Nullable ThreadFactory threadFactory;

    private Builder() {}

    /**
     * Makes the projection's thread with {@code factory} (default: a daemon platform thread named
     * {@code aether-projection-<checkpoint key>}): the one thread that applies its events and
     * commits its checkpoint, from {@link Projection#start()} until it stops. A rebuild's watcher
     * ({@link ProjectionRebuild}) comes from its replacement's factory. A virtual-thread factory
     * works ({@code Thread.ofVirtual().factory()} on JDK 21+). The factory must return a new,
     * unstarted thread; one returning null makes {@code start} throw {@link
     * IllegalStateException}.
     *
     * @param factory the thread factory
     * @return this builder
     * @throws NullPointerException if {@code factory} is null
     */
    public Builder threadFactory(ThreadFactory factory) {
      this.threadFactory = Objects.requireNonNull(factory, "factory");
      return this;
    }

    /**
     * Traces each event the projection applies with {@code openTelemetry} (default: not at all,
     * and no OpenTelemetry class loaded): an {@code aether.project} consumer span around the
     * handlers' call, whose parent is the event's {@code traceparent} (the CloudEvents
     * distributed-tracing extension, which Aether's traced appends write), so one trace shows the
     * command, its append and the read model's update. The span is current while the handlers
     * run, so what they do (a traced append, a JDBC span of the application's) becomes its
     * child; a handler that throws marks it failed. OpenTelemetry is an optional dependency: add
     * {@code opentelemetry-api} to use this.
     *
     * @param openTelemetry the OpenTelemetry to record spans with
     * @return this builder
     * @throws NullPointerException if {@code openTelemetry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      Objects.requireNonNull(openTelemetry, "openTelemetry");
      if (tracing != Tracing.none()) {
        throw new IllegalStateException("openTelemetry was already set");
      }
      this.tracing = Tracing.of(openTelemetry);
      return this;
    }

    /**
     * Sets the name, which also keys the checkpoint.
     *
     * @param name 1 to 64 ASCII letters, digits, {@code '-'} or {@code '_'}
     * @return this builder
     * @throws IllegalArgumentException if the name is not valid
     */
    public Builder name(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("projection name '" + name + "' is not valid; use 1 to"
            + " 64 ASCII letters, digits, '-' or '_'");
      }
      this.name = name;
      return this;
    }

    /**
     * Sets the event store whose namespace is projected; not closed by the projection.
     *
     * @param store the event store
     * @return this builder
     */
    public Builder eventStore(EventStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the codec that decodes events for typed handlers.
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(EventCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Handles events of one type, decoded through the codec (set the codec first).
     *
     * @param <T> the event class
     * @param type the event class; its event type name comes from the codec
     * @param handler the handler
     * @return this builder
     * @throws IllegalStateException if no codec is set or the type already has a handler
     * @throws IllegalArgumentException if the codec has no event type for the class (not
     *     registered): register it with the codec
     */
    public <T> Builder on(Class<T> type, ProjectionHandler<T> handler) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(handler, "handler");
      if (codec == null) {
        throw new IllegalStateException("set the codec before typed handlers");
      }
      String typeName = codec.typeOf(type);
      if (handlers.putIfAbsent(typeName, new Handlers.Typed<>(type, handler)) != null) {
        throw new IllegalStateException("event type " + typeName + " already has a handler");
      }
      return this;
    }

    /**
     * Handles every event, after the typed handler of its type if any.
     *
     * @param handler the handler
     * @return this builder
     * @throws IllegalStateException if set already
     */
    public Builder onAny(ProjectionHandler<Event> handler) {
      Objects.requireNonNull(handler, "handler");
      if (anyHandler != null) {
        throw new IllegalStateException("the handler for any event was already set");
      }
      this.anyHandler = handler;
      return this;
    }

    /**
     * Sets where the checkpoint is kept.
     *
     * @param store the checkpoint store
     * @return this builder
     */
    public Builder checkpointStore(CheckpointStore store) {
      this.checkpoints = Objects.requireNonNull(store, "checkpoint store");
      return this;
    }

    /**
     * Sets the error policy; the default is {@link ErrorPolicy#stop()}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder errorPolicy(ErrorPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the most events per unit of work (one checkpoint write, one JDBC transaction); default
     * 100. A unit holds what has arrived, so live events are committed at once.
     *
     * @param batchSize 1 to 10,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1 || batchSize > 10_000) {
        throw new IllegalArgumentException("batch size must be 1 to 10000, was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Makes this instance process one partition of several: only actors with {@link
     * #partitionOf(String, int)} equal to {@code partition} reach the handlers, and the
     * checkpoint key names the partition.
     *
     * @param partition this instance's partition, 0 to {@code partitions - 1}
     * @param partitions the number of partitions, 1 to 1024
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder partition(int partition, int partitions) {
      if (partitions < 1 || partitions > 1024 || partition < 0 || partition >= partitions) {
        throw new IllegalArgumentException("partition must be 0 to partitions - 1 and partitions 1"
            + " to 1024, were " + partition + " and " + partitions);
      }
      this.partition = partition;
      this.partitions = partitions;
      return this;
    }

    /**
     * Sets a check asked right before every checkpoint commit, for instances that run only while
     * they own something (a cluster shard: {@code () -> node.ownsShard(shard)}). When it answers
     * false, the unit of work is rolled back (with a {@link JdbcCheckpointStore}, its effects
     * too) and the projection stops as fenced ({@link CheckpointFencedException} in its status).
     * It narrows the time a stale owner applies events; the checkpoint's epoch still fences it
     * if the check passes just before ownership ends. Default: always true.
     *
     * @param ownership a fast, non-blocking check; called on the projection's thread
     * @return this builder
     */
    public Builder ownership(BooleanSupplier ownership) {
      this.ownership = Objects.requireNonNull(ownership, "ownership");
      return this;
    }

    /**
     * Records the projection's meters in {@code registry}: position, lag in events and in
     * seconds, events applied, skipped and parked, and the state, tagged with the namespace and
     * the checkpoint key (table in {@code docs/operations.md}). They are registered when the
     * projection starts and removed when it is closed, so a failed projection shows its state
     * until then. Without a registry nothing is recorded; Micrometer ({@code micrometer-core})
     * is then not needed on the class path. Every instance built from this builder (each
     * partition of a {@code ClusteredProjection}) records into the same registry.
     *
     * @param registry the registry
     * @return this builder
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Builds the projection (not started).
     *
     * @return the projection
     * @throws IllegalStateException if the name, event store, checkpoint store or every handler
     *     is missing
     */
    public Projection build() {
      if (name == null || store == null || checkpoints == null) {
        throw new IllegalStateException("a projection needs a name, an event store and a"
            + " checkpoint store" + (name == null ? "; name is missing" : "")
            + (store == null ? "; event store is missing" : "")
            + (checkpoints == null ? "; checkpoint store is missing" : ""));
      }
      if (handlers.isEmpty() && anyHandler == null) {
        throw new IllegalStateException("projection " + name + " has no handler");
      }
      String key = ProjectionSettings.key(name, partition, partitions);
      Handlers all = new Handlers(codec, handlers, anyHandler, partition, partitions, tracing,
          key);
      return new Projection(new ProjectionSettings(name, key, store, all, checkpoints, policy,
          batchSize, ownership, meterRegistry, threadFactory));
    }
  }
}
