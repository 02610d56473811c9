package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.jetstream.Failures.ServerError;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import org.jspecify.annotations.Nullable;

/**
 * What the parts of one store share: the connection, the API, the retry budget, the store's
 * threads and whether it is closed. Thread-safe.
 */
final class StoreContext {

  private static final int WORKERS = 16;

  private final String what;
  private final Namespace namespace;
  private final JsApi api;
  private final RetryBudget budget;
  private final ThreadPoolExecutor worker;
  private final ScheduledThreadPoolExecutor timer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final StoreMetrics metrics;
  private final Tracing tracing;
  private final ThreadFactory threadFactory;
  /** The deadline of the blocking call this thread is in, set by {@link #within}. */
  private final ThreadLocal<Deadline> callerDeadline = new ThreadLocal<>();

  StoreContext(String what, Connection connection, Namespace namespace, String stream,
      Duration requestTimeout, RetryBudget budget, StoreMetrics metrics, Tracing tracing,
      ThreadFactory threadFactory) {
    this.what = what;
    this.threadFactory = threadFactory;
    this.tracing = tracing;
    this.metrics = metrics;
    this.namespace = namespace;
    this.api = new JsApi(connection, stream, requestTimeout);
    this.budget = budget;
    String prefix = "aether-" + what.replace(' ', '-') + "-" + namespace.name();
    this.worker = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), threads(prefix + "-worker-"));
    this.worker.allowCoreThreadTimeOut(true);
    this.timer = new ScheduledThreadPoolExecutor(1, threads(prefix + "-timer-"));
    this.timer.setRemoveOnCancelPolicy(true);
  }

  /** The default thread factory: platform daemon threads. */
  static final ThreadFactory DAEMON_THREADS = runnable -> {
    Thread thread = new Thread(runnable);
    thread.setDaemon(true);
    return thread;
  };

  private ThreadFactory threads(String prefix) {
    AtomicInteger counter = new AtomicInteger();
    return runnable -> newThread(runnable, prefix + counter.incrementAndGet());
  }

  /**
   * A thread of the store's factory, named {@code name}.
   *
   * @throws IllegalStateException if the factory returned no thread
   */
  Thread newThread(Runnable runnable, String name) {
    Thread thread = threadFactory.newThread(runnable);
    if (thread == null) {
      throw new IllegalStateException("the store's thread factory " + threadFactory
          + " returned no thread for " + name);
    }
    thread.setName(name);
    return thread;
  }

  Namespace namespace() {
    return namespace;
  }

  StoreMetrics metrics() {
    return metrics;
  }

  Tracing tracing() {
    return tracing;
  }

  JsApi api() {
    return api;
  }

  Connection connection() {
    return api.connection();
  }

  RetryBudget budget() {
    return budget;
  }

  ExecutorService worker() {
    return worker;
  }

  boolean isClosed() {
    return closed.get();
  }

  void checkOpen() {
    if (closed.get()) {
      throw closedException();
    }
  }

  IllegalStateException closedException() {
    return new IllegalStateException("the JetStream " + what + " of namespace '" + namespace
        + "' is closed");
  }

  /**
   * Returns when a call starting now must give up: the end of the retry budget, or the caller's
   * deadline ({@link #within}) if that is earlier.
   */
  long deadline() {
    return deadline(callerDeadline.get());
  }

  /** Returns the end of the retry budget from now, or {@code caller} (may be null) if earlier. */
  long deadline(@Nullable Deadline caller) {
    long limit = budget.timeLimit().toNanos();
    long own = System.nanoTime() + Math.max(limit, 0);
    if (caller != null && caller.isBounded() && caller.nanoTime() - own < 0) {
      return caller.nanoTime();
    }
    return own;
  }

  /**
   * Runs a blocking call of this thread under the caller's deadline: {@link #deadline()}, {@link
   * #call} and {@link #await} on this thread stop at it.
   */
  <T> T within(Deadline deadline, Supplier<T> body) {
    Deadline previous = callerDeadline.get();
    callerDeadline.set(deadline);
    try {
      return body.get();
    } finally {
      if (previous == null) {
        callerDeadline.remove();
      } else {
        callerDeadline.set(previous);
      }
    }
  }

  /** Runs {@code task} on a worker thread at {@code nanoTime}; cancel the result to drop it. */
  java.util.concurrent.ScheduledFuture<?> at(long nanoTime, Runnable task) {
    long delay = Math.max(0, nanoTime - System.nanoTime());
    return timer.schedule(() -> execute(task), delay, TimeUnit.NANOSECONDS);
  }

  /** Runs {@code task} on a worker thread after the backoff for {@code attempt}. */
  void later(int attempt, Runnable task) {
    long delay = budget.backoff(attempt).toNanos();
    if (delay <= 0) {
      execute(task);
      return;
    }
    timer.schedule(() -> execute(task), delay, TimeUnit.NANOSECONDS);
  }

  /** Runs a task on a worker thread, or on this thread once the workers have stopped. */
  void execute(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException e) {
      task.run();
    }
  }

  /**
   * Runs a call, retrying it while it fails transiently and the budget lasts; blocks.
   *
   * @throws StoreUnavailableException when the budget is spent
   * @throws AetherNonTransientException when the server refuses for good
   */
  <T> T call(String description, Supplier<CompletableFuture<T>> attempt) {
    long deadline = deadline();
    for (int n = 1; ; n++) {
      checkOpen();
      RuntimeException failure;
      try {
        return await(attempt.get());
      } catch (Unreachable e) {
        if (e.connectionClosed()) {
          throw new StoreUnavailableException("cannot " + description + ": " + e.getMessage(), e);
        }
        failure = e;
      } catch (ServerError e) {
        if (!e.isTransient()) {
          throw new AetherNonTransientException("cannot " + description + ": " + e.getMessage(),
              e);
        }
        failure = e;
      }
      if (!sleepBeforeRetry(n, deadline)) {
        throw new StoreUnavailableException("cannot " + description + " within the retry budget"
            + " (" + budget.timeLimit().toMillis() + " ms) or the caller's deadline: "
            + failure.getMessage(), failure);
      }
    }
  }

  /**
   * Waits for a future, translating its failure; blocks, until the caller's deadline ({@link
   * #within}) at most: then it fails as a timeout would.
   */
  <T> T await(CompletableFuture<T> future) {
    try {
      Deadline caller = callerDeadline.get();
      if (caller == null || !caller.isBounded()) {
        return future.get();
      }
      try {
        return future.get(caller.remainingNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        future.cancel(false);
        throw new Unreachable("no answer from NATS before the caller's deadline", e, false);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      future.cancel(false);
      throw new AetherTransientException("interrupted while waiting for NATS", e);
    } catch (ExecutionException e) {
      Throwable cause = Failures.unwrap(e);
      if (cause instanceof AetherException a) {
        throw a;
      }
      if (cause instanceof IllegalArgumentException i) {
        throw i;
      }
      if (cause instanceof IllegalStateException i && !(cause instanceof Unreachable)) {
        throw i;
      }
      throw Failures.translate(cause, api.connection(), api.timeout());
    }
  }

  /** Sleeps the backoff if the deadline allows another attempt; false if it does not. */
  boolean sleepBeforeRetry(int attempt, long deadline) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0 || closed.get()) {
      return false;
    }
    long wait = Math.min(budget.backoff(attempt).toNanos(), remaining);
    try {
      TimeUnit.NANOSECONDS.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AetherTransientException("interrupted while waiting to retry", e);
    }
    return !closed.get();
  }

  /** Marks the context closed; true the first time. */
  boolean markClosed() {
    return closed.compareAndSet(false, true);
  }

  /** Stops the context's threads, waiting up to {@code grace} for tasks in progress. */
  void shutdown(Duration grace) {
    timer.shutdownNow();
    worker.shutdown();
    try {
      if (!worker.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        worker.shutdownNow();
      }
    } catch (InterruptedException e) {
      worker.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
