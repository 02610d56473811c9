package one.flowmade.aether.projection;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import one.flowmade.aether.Position;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blue/green rebuild by name: a new version of a read model (a {@link Projection} under a new
 * name, writing its own tables or keys) catches up next to the one that serves readers now; once
 * it is {@link ProjectionState#LIVE}, a switch callback you supply points readers at it, and then
 * the serving projection is closed.
 *
 * <pre>{@code
 * try (ProjectionRebuild rebuild = ProjectionRebuild.builder()
 *     .serving(balancesV1)                            // running; closed after the switch
 *     .replacement(balancesV2)                        // built under "balances-v2", not started
 *     .onSwitch(v2 -> readers.use("balance_v2"))      // your switch: point readers at v2
 *     .build()) {
 *   rebuild.start();
 *   rebuild.status();                                 // v2's position, events/s, events left, ETA
 *   rebuild.awaitSwitch(Duration.ofMinutes(30));
 * }
 * }</pre>
 *
 * <p>Progress is the replacement's {@link ProjectionStatus} ({@code eventsPerSecond}, {@code
 * eventsLeft()}, {@code eta}); the replacement also logs it at INFO while it catches up. If the
 * replacement fails, or the switch callback throws, nothing is switched or closed: the serving
 * projection goes on serving, {@link #state()} is {@link State#FAILED} and {@link #failure()}
 * says why. No framework: this class starts, watches and closes the two projections, nothing
 * else; the read model's tables and where readers look are yours.
 *
 * <p>Thread-safe. The switch callback runs once, on the rebuild's own thread ({@code
 * aether-projection-rebuild-<name>}). {@link #close()} before the switch cancels the rebuild
 * (closes the replacement; the serving projection keeps running); after the switch the
 * replacement is yours and keeps running ({@link #replacement()}).
 */
public final class ProjectionRebuild implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProjectionRebuild.class);
  private static final Duration POLL = Duration.ofMillis(50);

  /** Where a rebuild is. */
  public enum State {
    /** Built, not started. */
    NEW,
    /** The replacement is catching up; the serving projection serves. */
    REBUILDING,
    /** The replacement was live, the callback switched readers, the serving one is closed. */
    SWITCHED,
    /** The replacement failed or the switch callback threw; nothing was switched. */
    FAILED,
    /** Closed before the switch; the replacement is closed, the serving one keeps serving. */
    CANCELLED
  }

  private final Projection serving;
  private final Projection replacement;
  private final Consumer<Projection> onSwitch;
  private final @Nullable Position startFrom;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final CountDownLatch cancelled = new CountDownLatch(1);
  private final Object lock = new Object();
  private volatile State state = State.NEW;
  private volatile @Nullable String failure;
  private boolean replacementKept;
  private @Nullable Thread watcher;

  private ProjectionRebuild(Builder b) {
    this.serving = Objects.requireNonNull(b.serving, "checked by build()");
    this.replacement = Objects.requireNonNull(b.replacement, "checked by build()");
    this.onSwitch = Objects.requireNonNull(b.onSwitch, "checked by build()");
    this.startFrom = b.startFrom;
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
   * Starts the replacement (after resetting its checkpoint, if {@link Builder#startFrom} was
   * set) and the thread that switches once it is live. Returns once the replacement is
   * subscribed.
   *
   * @throws IllegalStateException if started before, or if the replacement cannot start (see
   *     {@link Projection#start()}); the state is then {@link State#FAILED}
   * @throws one.flowmade.aether.AetherTransientException if a store cannot be reached; the state
   *     is then {@link State#FAILED} and the serving projection is untouched
   */
  public void start() {
    synchronized (lock) {
      if (state != State.NEW) {
        throw new IllegalStateException("rebuild into " + replacement.checkpointKey()
            + " was already started (" + state + ")");
      }
      try {
        if (startFrom != null) {
          replacement.resetTo(startFrom);
        }
        replacement.start();
      } catch (RuntimeException e) {
        end(State.FAILED, "the replacement " + replacement.checkpointKey() + " did not start: "
            + ProjectionRuntime.describe(e));
        throw e;
      }
      state = State.REBUILDING;
      LOG.info("rebuild: {} catching up next to {}, which keeps serving",
          replacement.checkpointKey(), serving.checkpointKey());
      Thread w = replacement.runtime.settings.newThread(this::watch,
          "aether-projection-rebuild-" + replacement.checkpointKey());
      watcher = w;
      w.start();
    }
  }

  private void watch() {
    try {
      while (!cancelled.await(POLL.toMillis(), TimeUnit.MILLISECONDS)) {
        ProjectionState s = replacement.state();
        if (s == ProjectionState.LIVE) {
          switchOver();
          return;
        }
        if (s == ProjectionState.FAILED || s == ProjectionState.STOPPED) {
          String error = replacement.status().lastError().map(m -> ": " + m).orElse("");
          synchronized (lock) {
            if (cancelled.getCount() != 0) {
              end(State.FAILED, "the replacement " + replacement.checkpointKey() + " is " + s
                  + error + "; nothing was switched, " + serving.checkpointKey()
                  + " keeps serving");
            }
          }
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void switchOver() {
    synchronized (lock) {
      if (cancelled.getCount() == 0) {
        return;
      }
      try {
        onSwitch.accept(replacement);
      } catch (RuntimeException e) {
        replacementKept = true;
        end(State.FAILED, "the switch callback to " + replacement.checkpointKey() + " threw "
            + ProjectionRuntime.describe(e) + "; " + serving.checkpointKey()
            + " keeps serving and " + replacement.checkpointKey() + " keeps running");
        return;
      }
      serving.close();
      LOG.info("rebuild: switched from {} to {} at position {}; {} closed",
          serving.checkpointKey(), replacement.checkpointKey(), replacement.status().position(),
          serving.checkpointKey());
      state = State.SWITCHED;
      ended.countDown();
    }
  }

  private void end(State s, String why) {
    failure = why;
    state = s;
    LOG.error("rebuild failed: {}", why);
    ended.countDown();
  }

  /**
   * Returns where the rebuild is.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /**
   * Returns why the rebuild failed.
   *
   * @return the reason, empty unless {@link State#FAILED}
   */
  public Optional<String> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Returns the replacement's progress: position, events per second, events left and ETA. Asks
   * the event store for its last position.
   *
   * @return the replacement's status
   */
  public ProjectionStatus status() {
    return replacement.status();
  }

  /**
   * Returns the replacement; after the switch it serves and is yours to close.
   *
   * @return the replacement
   */
  public Projection replacement() {
    return replacement;
  }

  /**
   * Waits until the rebuild has switched, failed or been cancelled.
   *
   * @param timeout the longest wait
   * @return true if it switched; false on failure, cancel or timeout (see {@link #state()})
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitSwitch(Duration timeout) throws InterruptedException {
    Objects.requireNonNull(timeout, "timeout");
    ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return state == State.SWITCHED;
  }

  /**
   * Before the switch, cancels: stops watching and closes the replacement; the serving
   * projection keeps serving. After the switch (or a failed switch callback) it only stops
   * watching. Idempotent.
   */
  @Override
  public void close() {
    Thread w;
    synchronized (lock) {
      cancelled.countDown();
      w = watcher;
      if (state == State.NEW || state == State.REBUILDING) {
        replacement.close();
        state = State.CANCELLED;
        LOG.info("rebuild into {} cancelled; {} keeps serving", replacement.checkpointKey(),
            serving.checkpointKey());
        ended.countDown();
      } else if (state == State.FAILED && !replacementKept) {
        replacement.close();
      }
    }
    if (w != null && w != Thread.currentThread()) {
      try {
        w.join(POLL.toMillis() * 20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Builds a {@link ProjectionRebuild}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private @Nullable Projection serving;
    private @Nullable Projection replacement;
    private @Nullable Consumer<Projection> onSwitch;
    private @Nullable Position startFrom;

    private Builder() {}

    /**
     * Sets the projection that serves readers now; it keeps running until the switch and is
     * closed after it.
     *
     * @param serving the serving projection (running or not)
     * @return this builder
     */
    public Builder serving(Projection serving) {
      this.serving = Objects.requireNonNull(serving, "serving");
      return this;
    }

    /**
     * Sets the new version: a projection built under another name (its own checkpoint), not
     * started, whose handlers write the new read model.
     *
     * @param replacement the replacement
     * @return this builder
     */
    public Builder replacement(Projection replacement) {
      this.replacement = Objects.requireNonNull(replacement, "replacement");
      return this;
    }

    /**
     * Sets the switch: called once, on the rebuild's thread, when the replacement is live; point
     * readers at the new read model here. If it throws, nothing is closed.
     *
     * @param onSwitch the switch callback, given the replacement
     * @return this builder
     */
    public Builder onSwitch(Consumer<Projection> onSwitch) {
      this.onSwitch = Objects.requireNonNull(onSwitch, "onSwitch");
      return this;
    }

    /**
     * Resets the replacement's checkpoint before it starts, for a new version whose read model
     * you emptied (a second rebuild under the same new name). By default it resumes from its
     * checkpoint, which for a name never used before is the beginning.
     *
     * @param from where the replacement starts applying
     * @return this builder
     */
    public Builder startFrom(Position from) {
      this.startFrom = Objects.requireNonNull(from, "from");
      return this;
    }

    /**
     * Builds the rebuild (not started).
     *
     * @return the rebuild
     * @throws IllegalStateException if the serving projection, the replacement or the switch
     *     callback is missing
     * @throws IllegalArgumentException if both have the same checkpoint key (blue/green needs two
     *     names) or are the same object
     */
    public ProjectionRebuild build() {
      if (serving == null || replacement == null || onSwitch == null) {
        throw new IllegalStateException("a rebuild needs the serving projection, the"
            + " replacement and the switch callback"
            + (serving == null ? "; serving is missing" : "")
            + (replacement == null ? "; replacement is missing" : "")
            + (onSwitch == null ? "; onSwitch is missing" : ""));
      }
      if (serving.checkpointKey().equals(replacement.checkpointKey())) {
        throw new IllegalArgumentException("the replacement must have a name of its own; both"
            + " are '" + serving.checkpointKey() + "' (build it as, say, '"
            + serving.name() + "-v2')");
      }
      return new ProjectionRebuild(this);
    }
  }
}
