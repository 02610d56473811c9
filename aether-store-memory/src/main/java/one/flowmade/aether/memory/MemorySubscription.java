package one.flowmade.aether.memory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.SubscriptionOptions;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription of an {@link InMemoryEventStore}: a cursor over the namespace's {@link EventLog}
 * moved by one named daemon thread, which reads events in batches from the log, hands them to the
 * handler one at a time and, when it has reached the end, waits on the log's append condition. The
 * cursor passes every position exactly once, so catch-up turns into live delivery without a gap or
 * a duplicate, and nothing is copied into a queue.
 *
 * <p>Thread-safe: the delivery state is confined to the subscription's thread; what other threads
 * read is volatile.
 */
final class MemorySubscription implements EventSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(MemorySubscription.class);
  private static final int BATCH_SIZE = 256;

  private final EventLog log;
  private final SubscriptionOptions options;
  private final EventHandler handler;
  private final String label;
  private final long liveAfter;
  private final Duration closeTimeout;
  private final Consumer<MemorySubscription> onStop;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CompletableFuture<Boolean> liveOrStopped = new CompletableFuture<>();

  private volatile boolean closeRequested;
  private volatile boolean live;
  private volatile @Nullable Throwable failure;
  private volatile long lastPosition;
  /** The next position to examine; confined to {@link #thread}. */
  private long next;

  /**
   * Creates the subscription; {@link #start()} starts delivery.
   *
   * @param start the first position to examine
   * @param liveAfter the last position that existed when the subscription was opened
   * @param id distinguishes the threads of ephemeral subscriptions
   * @param onStop told once the thread has stopped
   */
  MemorySubscription(EventLog log, SubscriptionOptions options, EventHandler handler, long start,
      long liveAfter, long id, Duration closeTimeout, Consumer<MemorySubscription> onStop) {
    this.log = log;
    this.options = options;
    this.handler = handler;
    this.next = start;
    this.liveAfter = liveAfter;
    this.closeTimeout = closeTimeout;
    this.onStop = onStop;
    this.label = options.durableName().orElse(Long.toString(id));
    this.thread = new Thread(this::run, "aether-sub-" + log.namespace() + "-" + label);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  @Override
  public Optional<String> name() {
    return options.durableName();
  }

  @Override
  public long lastPosition() {
    return lastPosition;
  }

  @Override
  public boolean isLive() {
    return live && isActive();
  }

  @Override
  public boolean awaitLive(Duration timeout) throws InterruptedException {
    try {
      return liveOrStopped.get(timeout.toNanos(), TimeUnit.NANOSECONDS) && isActive();
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      throw new IllegalStateException("unreachable: the future never fails", e);
    }
  }

  @Override
  public boolean isActive() {
    return !closeRequested && stopped.getCount() > 0;
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Stops delivery. Waits up to the store's close timeout for a handler call in progress to
   * return, unless called from the handler itself; if the handler does not return in time, logs a
   * warning and returns (a durable name stays in use until the handler returns).
   */
  @Override
  public void close() {
    closeRequested = true;
    log.wakeWaiters();
    if (Thread.currentThread() == thread) {
      return;
    }
    boolean interrupted = false;
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    while (stopped.getCount() > 0) {
      try {
        if (!stopped.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
          LOG.warn("Subscription {} of namespace '{}': the handler did not return within {};"
              + " close() returns without waiting for it", label, log.namespace(), closeTimeout);
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      if (closeRequested || (next > liveAfter && !goLive())) {
        return;
      }
      while (!closeRequested) {
        List<Event> batch = log.readAll(next, BATCH_SIZE);
        if (batch.isEmpty()) {
          log.awaitAppendAfter(next - 1, () -> closeRequested);
          continue;
        }
        for (Event event : batch) {
          if (closeRequested || !deliver(event)) {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      LOG.warn("Subscription {} of namespace '{}' was interrupted and stops", label,
          log.namespace());
    } catch (RuntimeException | Error e) {
      fail("failed unexpectedly", e);
      throw e;
    } finally {
      options.durableName().ifPresent(log::releaseDurable);
      stopped.countDown();
      liveOrStopped.complete(false);
      onStop.accept(this);
    }
  }

  /** Hands one event to the handler if the filter accepts it; false if the handler failed. */
  private boolean deliver(Event event) {
    if (options.accepts(event.type())) {
      try {
        handler.onEvent(event);
      } catch (Exception | Error e) {
        fail("stopped: the handler failed on the event at position " + event.position()
            + " (actor '" + event.actorId() + "', type '" + event.type() + "')", e);
        if (e instanceof VirtualMachineError fatal) {
          throw fatal;
        }
        return false;
      }
      lastPosition = event.position();
    }
    next = event.position() + 1;
    options.durableName().ifPresent(name -> log.advanceDurable(name, event.position()));
    return live || event.position() < liveAfter || goLive();
  }

  private boolean goLive() {
    try {
      handler.onLive();
    } catch (RuntimeException | Error e) {
      fail("stopped: the handler's onLive failed", e);
      if (e instanceof VirtualMachineError fatal) {
        throw fatal;
      }
      return false;
    }
    live = true;
    liveOrStopped.complete(true);
    return true;
  }

  private void fail(String what, Throwable cause) {
    if (failure == null) {
      failure = cause;
      LOG.error("Subscription {} of namespace '{}' {}", label, log.namespace(), what, cause);
    }
  }
}
