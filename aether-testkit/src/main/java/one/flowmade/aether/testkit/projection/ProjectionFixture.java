package one.flowmade.aether.testkit.projection;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventStore;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.codec.EventCodec;
import one.flowmade.aether.projection.CheckpointStore;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionState;
import one.flowmade.aether.projection.ProjectionStatus;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Given-then tests for a projection's handlers: given these events, then the read model is this.
 *
 * <pre>{@code
 * Map<String, Long> balances = new ConcurrentHashMap<>();
 * try (ProjectionFixture fixture = ProjectionFixture.builder()
 *     .eventStore(InMemoryEventStore.builder().namespace(Namespace.of("bank")).build())
 *     .codec(codec)
 *     .projection(() -> Projection.builder().name("balances").codec(codec)
 *         .on(Deposited.class, (deposited, ctx) ->
 *             balances.merge(ctx.event().actorId(), deposited.amountCents(), Long::sum)))
 *     .build()) {
 *   fixture.given("alice", new Opened("Alice"), new Deposited(100))
 *       .given("bob", new Opened("Bob"))
 *       .then(() -> assertThat(balances).containsOnly(entry("alice", 100L)));
 *   fixture.given("alice", new Deposited(5))           // appended while the projection is live
 *       .then(() -> assertThat(balances).containsEntry("alice", 105L));
 * }
 * }</pre>
 *
 * <p>{@link #given} appends events to the event store (encoded through the codec; a {@link
 * NewEvent} is stored as it is, for events the codec cannot make, such as undecodable data). The
 * first {@link #then} builds the projection from your builder, with the fixture's event store and
 * checkpoint store ({@link InMemoryCheckpointStore} unless set) put in last, and starts it. Every
 * {@code then} waits, at most {@link Builder#timeout the timeout} (10 s by default), until the
 * projection is live and has applied every stored event its handlers take (events of types
 * without a handler do not count), then runs your assertions on your read model. Later {@code
 * given} calls append while the projection runs, so a test can go on in steps.
 *
 * <p>Failures are {@link AssertionError}s that name the projection, its status (position, state,
 * last error) and every given event: the projection stopped with an error, did not catch up in
 * time, or your assertion failed (its error is the cause). {@link #thenFailed} checks the
 * opposite: that the projection stops with an error, such as for an event it must refuse.
 *
 * <p>The fixture owns the event store and closes it, with the projection, in {@link #close()}:
 * use one fixture per test, in try-with-resources. Not thread-safe.
 */
public final class ProjectionFixture implements AutoCloseable {

  private final ObservedStore store;
  private final @Nullable EventCodec codec;
  private final Supplier<Projection.Builder> definition;
  private final CheckpointStore checkpoints;
  private final Duration timeout;
  private final List<String> given = new ArrayList<>();
  private @Nullable Projection projection;
  private boolean closed;

  private ProjectionFixture(Builder b) {
    this.store = new ObservedStore(Objects.requireNonNull(b.store, "checked by build()"));
    this.codec = b.codec;
    this.definition = Objects.requireNonNull(b.definition, "checked by build()");
    this.checkpoints = b.checkpoints != null ? b.checkpoints : new InMemoryCheckpointStore();
    this.timeout = b.timeout;
  }

  /**
   * Returns a builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Stores events of one actor, in this order, after every event given before (so the order of
   * {@code given} calls is the order of positions).
   *
   * @param actorId the actor
   * @param events the events: objects the codec encodes, or {@link NewEvent}s stored as they are
   * @return this fixture
   * @throws IllegalStateException if an event is not a {@code NewEvent} and no codec is set, or
   *     the fixture is closed
   * @throws IllegalArgumentException if the codec cannot encode an event (not registered)
   */
  public ProjectionFixture given(String actorId, Object... events) {
    Objects.requireNonNull(actorId, "actorId");
    requireOpen();
    List<NewEvent> batch = new ArrayList<>(events.length);
    for (Object event : events) {
      Objects.requireNonNull(event, "event");
      if (event instanceof NewEvent raw) {
        batch.add(raw);
      } else if (codec == null) {
        throw new IllegalStateException("given " + event.getClass().getName() + " for actor '"
            + actorId + "', but the fixture has no codec to encode it: set one with"
            + " ProjectionFixture.builder().codec(..), or give NewEvents");
      } else {
        batch.add(codec.toNewEvent(event));
      }
    }
    if (batch.isEmpty()) {
      return this;
    }
    AppendResult result = store.append(actorId, ExpectedVersion.any(), batch);
    long position = result.firstPosition();
    for (int i = 0; i < batch.size(); i++) {
      Object event = events[i];
      given.add((position + i) + " " + actorId + " " + batch.get(i).type() + " "
          + (event instanceof NewEvent raw ? raw.data() : event));
    }
    return this;
  }

  /**
   * Starts the projection if it is not running yet, waits until it has applied every event given
   * so far that its handlers take, and runs the assertions.
   *
   * @param assertions checks on the read model (AssertJ, JUnit or plain code); may throw
   * @return this fixture, for more {@code given} and {@code then} steps
   * @throws AssertionError if the projection stopped with an error, did not catch up within the
   *     timeout, or the assertions failed; the message holds the status and the given events
   * @throws IllegalStateException if the projection cannot be built (see {@link
   *     Projection.Builder#build()}) or the fixture is closed
   */
  public ProjectionFixture then(ReadModelCheck assertions) {
    Objects.requireNonNull(assertions, "assertions");
    Projection running = projection();
    ProjectionStatus status = awaitSettled(running);
    if (status.state() == ProjectionState.FAILED) {
      throw new AssertionError("projection '" + running.checkpointKey() + "' stopped with an"
          + " error before applying every given event: " + status.lastError().orElse("?")
          + describe(status));
    }
    if (!caughtUp(status)) {
      throw new AssertionError("projection '" + running.checkpointKey() + "' did not apply every"
          + " given event within " + timeout.toMillis() + " ms (it must reach position "
          + target() + ")" + describe(status));
    }
    try {
      assertions.check();
    } catch (AssertionError | Exception e) {
      throw new AssertionError("the read model of projection '" + running.checkpointKey()
          + "' is not as expected: " + e.getMessage() + describe(running.status()), e);
    }
    return this;
  }

  /**
   * Starts the projection if it is not running yet and expects it to stop with an error
   * ({@link ProjectionState#FAILED}) while applying the events given so far.
   *
   * @param assertions checks on the status, such as the text of {@link
   *     ProjectionStatus#lastError()}
   * @return this fixture
   * @throws AssertionError if the projection applied every given event without stopping, or kept
   *     running past the timeout
   */
  public ProjectionFixture thenFailed(Consumer<ProjectionStatus> assertions) {
    Objects.requireNonNull(assertions, "assertions");
    Projection running = projection();
    ProjectionStatus status = awaitSettled(running);
    if (status.state() != ProjectionState.FAILED) {
      throw new AssertionError("expected projection '" + running.checkpointKey() + "' to stop"
          + " with an error, but it " + (caughtUp(status) ? "applied every given event"
          : "was still running after " + timeout.toMillis() + " ms") + describe(status));
    }
    assertions.accept(status);
    return this;
  }

  /**
   * Returns the projection under test, building and starting it if that has not happened yet:
   * for its {@link Projection#parked() parking list} and {@link Projection#status() status}.
   *
   * @return the running (or stopped) projection
   * @throws IllegalStateException if the projection cannot be built or the fixture is closed
   */
  public Projection projection() {
    if (projection == null) {
      requireOpen();
      Projection.Builder b = Objects.requireNonNull(definition.get(),
          "the projection supplier returned null instead of a Projection.Builder");
      projection = b.eventStore(store).checkpointStore(checkpoints).build();
      projection.start();
    }
    return projection;
  }

  /**
   * Returns the projection's status now (starting it if needed).
   *
   * @return the status
   */
  public ProjectionStatus status() {
    return projection().status();
  }

  /** Closes the projection and the event store. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (projection != null) {
        projection.close();
      }
    } finally {
      store.close();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the projection fixture is closed");
    }
  }

  /** Waits until the projection failed or caught up, at most the timeout; returns its status. */
  private ProjectionStatus awaitSettled(Projection running) {
    try {
      Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(5))
          .until(() -> {
            ProjectionStatus s = running.status();
            return s.state() == ProjectionState.FAILED || caughtUp(s);
          });
    } catch (ConditionTimeoutException e) {
      // reported by the caller, with the status
    }
    return running.status();
  }

  private boolean caughtUp(ProjectionStatus status) {
    return status.state() == ProjectionState.LIVE && status.position() >= target();
  }

  /** The position of the last stored event the projection's subscription takes, 0 if none. */
  private long target() {
    SubscriptionOptions options = store.options;
    long last = store.lastPosition();
    long target = 0;
    long next = 1;
    while (next <= last) {
      ReadResult read = store.readAll(Position.at(next), 1_000);
      if (read.events().isEmpty()) {
        break;
      }
      for (Event e : read.events()) {
        if (e.position() <= last && (options == null || options.accepts(e.type()))) {
          target = Math.max(target, e.position());
        }
        next = Math.max(next, e.position() + 1);
      }
    }
    return target;
  }

  private String describe(ProjectionStatus status) {
    StringBuilder text = new StringBuilder("\n  status: ").append(status.state())
        .append(" at position ").append(status.position()).append(", applied ")
        .append(status.applied()).append(", skipped ").append(status.skipped())
        .append(", parked ").append(status.parked());
    status.lastError().ifPresent(error -> text.append(", last error: ").append(error));
    text.append("\n  given events (position actor type event):");
    if (given.isEmpty()) {
      text.append(" none");
    }
    for (String line : given) {
      text.append("\n    ").append(line);
    }
    return text.toString();
  }

  /** Assertions on a read model; may throw checked exceptions (a JDBC query, say). */
  @FunctionalInterface
  public interface ReadModelCheck {

    /**
     * Checks the read model.
     *
     * @throws Exception (an {@link AssertionError} or any other) if it is not as expected
     */
    void check() throws Exception;
  }

  /** The user's store, remembering the options the projection subscribed with. */
  private static final class ObservedStore implements EventStore {
    private final EventStore delegate;
    private volatile @Nullable SubscriptionOptions options;

    ObservedStore(EventStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Namespace namespace() {
      return delegate.namespace();
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events) {
      return delegate.append(actorId, expected, events);
    }

    @Override
    public AppendResult append(String actorId, ExpectedVersion expected, List<NewEvent> events,
        Deadline deadline) {
      return delegate.append(actorId, expected, events, deadline);
    }

    @Override
    public CompletableFuture<AppendResult> appendAsync(String actorId, ExpectedVersion expected,
        List<NewEvent> events) {
      return delegate.appendAsync(actorId, expected, events);
    }

    @Override
    public long latestVersion(String actorId) {
      return delegate.latestVersion(actorId);
    }

    @Override
    public ReadResult read(String actorId, long fromVersion, int limit) {
      return delegate.read(actorId, fromVersion, limit);
    }

    @Override
    public ReadResult read(String actorId, long fromVersion, int limit, long afterPosition) {
      return delegate.read(actorId, fromVersion, limit, afterPosition);
    }

    @Override
    public ReadResult read(String actorId, long fromVersion, int limit, long afterPosition,
        Deadline deadline) {
      return delegate.read(actorId, fromVersion, limit, afterPosition, deadline);
    }

    @Override
    public ReadResult readAll(Position from, int limit) {
      return delegate.readAll(from, limit);
    }

    @Override
    public long lastPosition() {
      return delegate.lastPosition();
    }

    @Override
    public EventSubscription subscribe(SubscriptionOptions options, EventHandler handler) {
      this.options = options;
      return delegate.subscribe(options, handler);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }

  /**
   * Builds a {@link ProjectionFixture}. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable EventStore store;
    private @Nullable EventCodec codec;
    private @Nullable Supplier<Projection.Builder> definition;
    private @Nullable CheckpointStore checkpoints;
    private Duration timeout = Duration.ofSeconds(10);

    private Builder() {}

    /**
     * Sets the event store the given events go to, normally an empty in-memory one ({@code
     * InMemoryEventStore} of {@code aether-store-memory}); the fixture closes it.
     *
     * @param store the event store
     * @return this builder
     */
    public Builder eventStore(EventStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the codec that encodes the given events (the application's codec).
     *
     * @param codec the codec
     * @return this builder
     */
    public Builder codec(EventCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Sets how the projection under test is made: a builder with its name, codec, handlers and
     * any other setting, as the application makes it. The fixture then sets the event store and
     * the checkpoint store, replacing any set by the supplier, and builds it.
     *
     * @param definition returns a new, configured projection builder
     * @return this builder
     */
    public Builder projection(Supplier<Projection.Builder> definition) {
      this.definition = Objects.requireNonNull(definition, "definition");
      return this;
    }

    /**
     * Sets the checkpoint store; the default is a new {@link InMemoryCheckpointStore}. Give a
     * {@code JdbcCheckpointStore} to test handlers that write SQL through the transaction.
     *
     * @param checkpoints the checkpoint store
     * @return this builder
     */
    public Builder checkpointStore(CheckpointStore checkpoints) {
      this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
      return this;
    }

    /**
     * Sets how long each {@code then} waits for the projection to apply the given events
     * (default 10 s).
     *
     * @param timeout the bound, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive, was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Builds the fixture; the projection is built and started by the first {@code then}.
     *
     * @return the fixture
     * @throws IllegalStateException if the event store or the projection is missing
     */
    public ProjectionFixture build() {
      if (store == null || definition == null) {
        throw new IllegalStateException("a projection fixture needs"
            + (store == null ? " an event store (eventStore(..))" : "")
            + (store == null && definition == null ? " and" : "")
            + (definition == null ? " the projection under test (projection(..))" : ""));
      }
      return new ProjectionFixture(this);
    }
  }
}
