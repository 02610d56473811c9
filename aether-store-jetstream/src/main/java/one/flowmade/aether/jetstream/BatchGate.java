package one.flowmade.aether.jetstream;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Bounds the atomic batches in flight; tasks beyond the bound wait in order. Thread-safe.
 */
final class BatchGate {
  private final int permits;
  private final Executor executor;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int used;

  BatchGate(int permits, Executor executor) {
    this.permits = permits;
    this.executor = executor;
  }

  void run(Runnable task) {
    synchronized (this) {
      if (used >= permits) {
        waiting.add(task);
        return;
      }
      used++;
    }
    task.run();
  }

  void release() {
    Runnable next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        used--;
      }
    }
    if (next != null) {
      executor.execute(next);
    }
  }
}
