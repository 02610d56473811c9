package one.flowmade.aether.projection;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.UndecodableEvent;
import one.flowmade.aether.codec.EventCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A named, checkpointed consumer of a namespace's events that maintains a read model.
 *
 * <p>On {@link #start()} it claims its checkpoint (fencing any earlier instance of the same name),
 * subscribes to the namespace after the checkpoint's position, and applies events on its own
 * thread, in position order — so per-actor order always holds, and global order holds within the
 * projection (or its partition). Events are applied in units of work of up to {@code batchSize}
 * events; each unit ends by committing the checkpoint. With a {@link JdbcCheckpointStore} the
 * handlers write through the unit's {@link ProjectionContext#connection() connection} and their
 * effects commit with the checkpoint: exactly-once effects. With other stores delivery is at least
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
  private static final Logger LOG = LoggerFactory.getLogger(Projection.class);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Object LIVE_MARK = new Object();
  private static final Duration POLL = Duration.ofMillis(100);

  private final String name;
  private final String key;
  private final EventStore store;
  private final EventCodec codec;
  private final Map<String, Typed<?>> handlers;
  private final ProjectionHandler<Event> anyHandler;
  private final CheckpointStore checkpoints;
  private final ErrorPolicy policy;
  private final int batchSize;
  private final int partition;
  private final int partitions;

  private final Object lifecycle = new Object();
  private final Object work = new Object();
  private final BlockingQueue<Object> queue;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final AtomicLong position = new AtomicLong();
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final List<ParkedEvent> parked = new CopyOnWriteArrayList<>();
  private volatile ProjectionState state = ProjectionState.NEW;
  private volatile String lastError;
  private volatile Duration lagTime = Duration.ZERO;
  private volatile long epoch;
  private EventSubscription subscription;
  private Thread worker;

  private record Typed<T>(Class<T> type, ProjectionHandler<T> handler) {}

  private Projection(Builder b) {
    this.name = b.name;
    this.key = b.partitions == 1 ? b.name : b.name + "-p" + b.partition + "of" + b.partitions;
    this.store = b.store;
    this.codec = b.codec;
    this.handlers = Map.copyOf(b.handlers);
    this.anyHandler = b.anyHandler;
    this.checkpoints = b.checkpoints;
    this.policy = b.policy;
    this.batchSize = b.batchSize;
    this.partition = b.partition;
    this.partitions = b.partitions;
    this.queue = new ArrayBlockingQueue<>(Math.max(2 * b.batchSize, 256));
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
    return name;
  }

  /**
   * Returns the key of this projection's checkpoint: the name, plus {@code -p<i>of<n>} when it
   * processes one partition of several.
   *
   * @return the checkpoint key
   */
  public String checkpointKey() {
    return key;
  }

  /**
   * Returns the partition an actor belongs to: a stable hash (CRC-32 of its UTF-8 bytes) modulo
   * the number of partitions.
   *
   * @param actorId the actor
   * @param partitions the number of partitions, at least 1
   * @return the partition, 0 to {@code partitions - 1}
   */
  public static int partitionOf(String actorId, int partitions) {
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
   *     reached; the projection stays {@link ProjectionState#NEW} and may be started again
   */
  public void start() {
    synchronized (lifecycle) {
      if (state != ProjectionState.NEW) {
        throw new IllegalStateException("projection " + key + " was already started (" + state
            + "); build a new one to run it again");
      }
      Checkpoint checkpoint = checkpoints.claim(key);
      long last = store.lastPosition();
      if (checkpoint.position() > last) {
        String message = "checkpoint of projection " + key + " is at position "
            + checkpoint.position() + " but namespace " + store.namespace().name()
            + " ends at position " + last + " (was the stream recreated?); nothing was applied."
            + " Reset the projection to rebuild its read model";
        lastError = message;
        state = ProjectionState.FAILED;
        LOG.error(message);
        throw new IllegalStateException(message);
      }
      epoch = checkpoint.epoch();
      position.set(checkpoint.position());
      state = ProjectionState.CATCHING_UP;
      SubscriptionOptions.Builder options =
          SubscriptionOptions.builder().from(Position.after(checkpoint.position()));
      if (anyHandler == null) {
        options.eventTypes(handlers.keySet());
      }
      subscription = store.subscribe(options.build(), new Feed());
      worker = new Thread(this::run, "aether-projection-" + key);
      worker.setDaemon(true);
      worker.start();
      LOG.info("projection {} started at position {} (epoch {}, {} events behind)", key,
          checkpoint.position(), epoch, last - checkpoint.position());
    }
  }

  /**
   * Returns the projection's progress now. Asks the event store for its last position (one
   * request for a JetStream store).
   *
   * @return the status; {@code lagEvents} is -1 when the store could not be asked
   */
  public ProjectionStatus status() {
    long pos = position.get();
    long lag;
    try {
      lag = Math.max(0, store.lastPosition() - pos);
    } catch (RuntimeException e) {
      lag = -1;
    }
    Duration time = state == ProjectionState.LIVE && queue.isEmpty() ? Duration.ZERO : lagTime;
    return new ProjectionStatus(key, state, pos, lag, time, applied.get(), skipped.get(),
        parked.size(), Optional.ofNullable(lastError));
  }

  /**
   * Returns the events parked under {@link ErrorPolicy#park()}, oldest first. The list lives in
   * this instance's memory; every park is also logged.
   *
   * @return the parked events
   */
  public List<ParkedEvent> parked() {
    return List.copyOf(parked);
  }

  /**
   * Applies every parked event again, each in its own unit of work (the checkpoint does not move);
   * those that succeed leave the list, the others stay with their new cause.
   *
   * @return how many were applied and left the list
   */
  public int retryParked() {
    int done = 0;
    for (ParkedEvent p : parked) {
      ReadResult read = store.readAll(Position.at(p.position()), 1);
      Optional<Event> event = read.events().stream()
          .filter(e -> e.position() == p.position()).findFirst();
      if (event.isEmpty()) {
        continue;
      }
      synchronized (work) {
        try (CheckpointStore.Transaction tx = checkpoints.begin(key, epoch)) {
          invoke(event.get(), tx);
          tx.commit(position.get());
          parked.remove(p);
          done++;
          applied.incrementAndGet();
        } catch (Exception e) {
          parked.set(parked.indexOf(p), new ParkedEvent(p.position(), p.eventId(), p.type(),
              p.actorId(), describe(e), Instant.now()));
        }
      }
    }
    return done;
  }

  /**
   * Empties the parking list; the events stay past the checkpoint and are not applied.
   *
   * @return how many were removed
   */
  public int clearParked() {
    int n = parked.size();
    parked.clear();
    LOG.warn("projection {}: {} parked events cleared by request", key, n);
    return n;
  }

  /**
   * Resets the checkpoint so that the next start applies events from {@code from} on. Only on a
   * projection that is not running (new, stopped or failed); also fences any other instance.
   *
   * @param from {@link Position#beginning()}, {@link Position#at(long)}; {@link Position#end()}
   *     skips everything stored now
   * @throws IllegalStateException if this projection is running
   */
  public void resetTo(Position from) {
    Objects.requireNonNull(from, "from");
    long next;
    if (from instanceof Position.At at) {
      next = at.position();
    } else {
      next = store.lastPosition() + 1;
    }
    resetCheckpoint(next - 1);
  }

  /**
   * Resets the checkpoint so that the next start applies events from the first one whose
   * timestamp is at or after {@code time}. Assumes timestamps grow with position (they are set
   * by the appending clients); found by binary search over the namespace.
   *
   * @param time the earliest event time to apply again
   * @throws IllegalStateException if this projection is running
   */
  public void resetTo(Instant time) {
    Objects.requireNonNull(time, "time");
    long lo = 1;
    long hi = store.lastPosition() + 1;
    while (lo < hi) {
      long mid = lo + (hi - lo) / 2;
      List<Event> events = store.readAll(Position.at(mid), 1).events();
      if (events.isEmpty()) {
        hi = mid;
      } else if (events.get(0).timestamp().isBefore(time)) {
        lo = events.get(0).position() + 1;
      } else {
        hi = mid;
      }
    }
    resetCheckpoint(lo - 1);
  }

  private void resetCheckpoint(long checkpoint) {
    synchronized (lifecycle) {
      if (state == ProjectionState.CATCHING_UP || state == ProjectionState.LIVE) {
        throw new IllegalStateException("projection " + key + " is running (" + state
            + "); close it before resetting");
      }
      checkpoints.reset(key, checkpoint);
      position.set(checkpoint);
      LOG.warn("projection {} reset: the next start applies events after position {}", key,
          checkpoint);
    }
  }

  /**
   * Stops the projection: no handler call starts after this returns. Waits up to 10 s for the
   * unit of work in progress. Idempotent.
   */
  @Override
  public void close() {
    Thread w;
    synchronized (lifecycle) {
      if (state == ProjectionState.NEW) {
        state = ProjectionState.STOPPED;
        return;
      }
      stopping.countDown();
      if (subscription != null) {
        subscription.close();
      }
      w = worker;
    }
    if (w != null && w != Thread.currentThread()) {
      try {
        w.join(10_000);
        if (w.isAlive()) {
          w.interrupt();
          w.join(5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (state != ProjectionState.FAILED) {
      state = ProjectionState.STOPPED;
    }
    LOG.info("projection {} closed at position {}", key, position.get());
  }

  private boolean closing() {
    return stopping.getCount() == 0;
  }

  /** Waits, returning false if the projection is closing. */
  private boolean pause(Duration d) {
    try {
      return !stopping.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private final class Feed implements EventHandler {
    @Override
    public void onEvent(Event event) throws Exception {
      offer(event);
    }

    @Override
    public void onUndecodable(UndecodableEvent undecodable) {
      try {
        offer(undecodable);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void onLive() {
      try {
        offer(LIVE_MARK);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void offer(Object item) throws InterruptedException {
      while (!closing()) {
        if (queue.offer(item, POLL.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    }
  }

  private void run() {
    try {
      List<Object> batch = new ArrayList<>(batchSize);
      while (!closing()) {
        Object first = queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          EventSubscription s = subscription;
          if (s != null && !s.isActive() && !closing()) {
            fail("the subscription to namespace " + store.namespace().name() + " stopped: "
                + s.failure().map(Projection::describe).orElse("unknown cause"), null);
            return;
          }
          continue;
        }
        batch.clear();
        batch.add(first);
        queue.drainTo(batch, batchSize - 1);
        if (!process(batch)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      fail("unexpected error: " + describe(e), e);
    }
  }

  /** Returns false once the projection must stop. */
  private boolean process(List<Object> batch) {
    List<Event> chunk = new ArrayList<>();
    for (Object item : batch) {
      if (item instanceof Event e) {
        if (e.position() > position.get()
            && (chunk.isEmpty() || e.position() > chunk.get(chunk.size() - 1).position())) {
          chunk.add(e);
        }
        continue;
      }
      if (!applyChunk(chunk)) {
        return false;
      }
      chunk.clear();
      if (item == LIVE_MARK) {
        state = ProjectionState.LIVE;
        lagTime = Duration.ZERO;
        LOG.info("projection {} is live at position {}", key, position.get());
      } else if (item instanceof UndecodableEvent u && u.position() > position.get()
          && !exhausted(u.position(), "", "", u.source(),
              "stored message could not be decoded: " + describe(u.cause()), u.cause())) {
        return false;
      }
    }
    return applyChunk(chunk);
  }

  private boolean applyChunk(List<Event> chunk) {
    if (chunk.isEmpty() || closing()) {
      return !closing();
    }
    int done = 0;
    synchronized (work) {
      CheckpointStore.Transaction tx = null;
      try {
        tx = checkpoints.begin(key, epoch);
        boolean transactional = tx.connection().isPresent();
        for (Event e : chunk) {
          try {
            invoke(e, tx);
          } catch (Exception failure) {
            if (!transactional && done > 0) {
              tx.commit(chunk.get(done - 1).position());
              advance(chunk.subList(0, done));
            } else {
              done = 0;
            }
            tx.close();
            tx = null;
            break;
          }
          done++;
        }
        if (tx != null) {
          tx.commit(chunk.get(chunk.size() - 1).position());
          advance(chunk);
          return true;
        }
      } catch (CheckpointFencedException e) {
        fail(describe(e), e);
        return false;
      } catch (RuntimeException e) {
        // the checkpoint store failed: apply one at a time below, with retries
        done = 0;
      } finally {
        if (tx != null) {
          tx.close();
        }
      }
    }
    for (Event e : chunk.subList(done, chunk.size())) {
      if (!applyOne(e)) {
        return false;
      }
    }
    return true;
  }

  private void advance(List<Event> events) {
    Event last = events.get(events.size() - 1);
    position.set(last.position());
    applied.addAndGet(events.size());
    lagTime = Duration.between(last.timestamp(), Instant.now());
    if (lagTime.isNegative()) {
      lagTime = Duration.ZERO;
    }
  }

  private boolean applyOne(Event e) {
    int attempt = 0;
    while (!closing()) {
      boolean infrastructure = false;
      Exception failure;
      synchronized (work) {
        try (CheckpointStore.Transaction tx = checkpoints.begin(key, epoch)) {
          try {
            invoke(e, tx);
          } catch (Exception handlerFailure) {
            infrastructure = tx.connection().map(Projection::isBroken).orElse(false);
            throw handlerFailure;
          }
          tx.commit(e.position());
          advance(List.of(e));
          return true;
        } catch (CheckpointFencedException fenced) {
          fail(describe(fenced), fenced);
          return false;
        } catch (AetherTransientException unavailable) {
          infrastructure = true;
          failure = unavailable;
        } catch (Exception other) {
          failure = other;
        }
      }
      if (infrastructure) {
        lastError = "position " + e.position() + ": checkpoint store unavailable, retrying: "
            + describe(failure);
        LOG.warn("projection {}: {}", key, lastError);
        if (!pause(policy.maxBackoff())) {
          return false;
        }
        continue;
      }
      attempt++;
      boolean undecodable = failure instanceof UndecodableData;
      lastError = "position " + e.position() + " (event " + e.id() + ", type " + e.type()
          + ", attempt " + attempt + " of " + policy.attempts() + "): " + describe(failure);
      LOG.warn("projection {}: {}", key, lastError);
      if (undecodable || attempt >= policy.attempts()) {
        return exhausted(e.position(), e.id(), e.type(), e.actorId(), describe(failure), failure);
      }
      if (!pause(policy.backoff(attempt))) {
        return false;
      }
    }
    return false;
  }

  /** The attempts for an event are spent: stop, skip or park. Returns false to stop. */
  private boolean exhausted(long pos, String id, String type, String actor, String cause,
      Throwable failure) {
    String where = "position " + pos + (id.isEmpty() ? "" : " (event " + id + ", type " + type
        + ", actor " + actor + ")");
    switch (policy.action()) {
      case STOP -> {
        fail(where + " failed: " + cause + "; the checkpoint stays at " + position.get(), failure);
        return false;
      }
      case SKIP -> {
        lastError = where + " skipped: " + cause;
        LOG.warn("projection {}: {}", key, lastError);
        skipped.incrementAndGet();
      }
      case PARK -> {
        lastError = where + " parked: " + cause;
        LOG.warn("projection {}: {}", key, lastError);
        parked.add(new ParkedEvent(pos, id, type, actor, cause, Instant.now()));
      }
      default -> throw new IllegalStateException(policy.action().toString());
    }
    return commitPast(pos);
  }

  private boolean commitPast(long pos) {
    while (!closing()) {
      synchronized (work) {
        try (CheckpointStore.Transaction tx = checkpoints.begin(key, epoch)) {
          tx.commit(pos);
          position.set(pos);
          return true;
        } catch (CheckpointFencedException fenced) {
          fail(describe(fenced), fenced);
          return false;
        } catch (RuntimeException e) {
          LOG.warn("projection {}: checkpoint store unavailable, retrying: {}", key, describe(e));
        }
      }
      if (!pause(policy.maxBackoff())) {
        return false;
      }
    }
    return false;
  }

  private void invoke(Event e, CheckpointStore.Transaction tx) throws Exception {
    if (partitions > 1 && partitionOf(e.actorId(), partitions) != partition) {
      return;
    }
    Context context = new Context(e, tx.connection());
    Typed<?> typed = handlers.get(e.type());
    if (typed != null) {
      invokeTyped(typed, e, context);
    }
    if (anyHandler != null) {
      anyHandler.handle(e, context);
    }
  }

  private <T> void invokeTyped(Typed<T> typed, Event e, Context context) throws Exception {
    Object decoded;
    try {
      decoded = codec.decode(e.type(), e.data());
    } catch (RuntimeException decodeFailure) {
      throw new UndecodableData(decodeFailure);
    }
    if (!typed.type().isInstance(decoded)) {
      throw new UndecodableData(new ClassCastException("the codec decoded type " + e.type()
          + " to " + decoded.getClass().getName() + ", not " + typed.type().getName()));
    }
    typed.handler().handle(typed.type().cast(decoded), context);
  }

  private void fail(String message, Throwable cause) {
    lastError = message;
    state = ProjectionState.FAILED;
    LOG.error("projection {} stopped: {}", key, message, cause);
    stopping.countDown();
    EventSubscription s = subscription;
    if (s != null) {
      s.close();
    }
  }

  private static boolean isBroken(Connection c) {
    try {
      return !c.isValid(2);
    } catch (SQLException e) {
      return true;
    }
  }

  private static String describe(Throwable t) {
    return t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static final class UndecodableData extends Exception {
    private static final long serialVersionUID = 1L;

    UndecodableData(Throwable cause) {
      super("event data could not be decoded: " + cause.getMessage(), cause);
    }
  }

  private record Context(Event event, Optional<Connection> connection)
      implements ProjectionContext {}

  /**
   * Builds a {@link Projection}. Not thread-safe; each input is checked when set.
   */
  public static final class Builder {
    private String name;
    private EventStore store;
    private EventCodec codec;
    private final Map<String, Typed<?>> handlers = new HashMap<>();
    private ProjectionHandler<Event> anyHandler;
    private CheckpointStore checkpoints;
    private ErrorPolicy policy = ErrorPolicy.stop();
    private int batchSize = 100;
    private int partition = 0;
    private int partitions = 1;

    private Builder() {}

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
     */
    public <T> Builder on(Class<T> type, ProjectionHandler<T> handler) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(handler, "handler");
      if (codec == null) {
        throw new IllegalStateException("set the codec before typed handlers");
      }
      String typeName = codec.typeOf(type);
      if (handlers.putIfAbsent(typeName, new Typed<>(type, handler)) != null) {
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
      return new Projection(this);
    }
  }
}
