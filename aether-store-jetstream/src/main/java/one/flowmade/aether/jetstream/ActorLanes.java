package one.flowmade.aether.jetstream;

import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One lane per actor: appends to one actor run one at a time in call order, because a replicated
 * stream rejects a second expected-sequence write to a subject while one is in flight; appends to
 * different actors run side by side. Thread-safe.
 */
final class ActorLanes {

  private final ConcurrentHashMap<String, Lane> lanes = new ConcurrentHashMap<>();
  private final Executor executor;

  ActorLanes(Executor executor) {
    this.executor = executor;
  }

  private static final class Lane {
    final ArrayDeque<AppendOp> waiting = new ArrayDeque<>();
    boolean busy;
  }

  /** Starts the append now if its actor's lane is free, else queues it behind the others. */
  void enqueue(AppendOp op) {
    boolean[] startNow = {false};
    lanes.compute(op.token, (key, lane) -> {
      Lane current = lane == null ? new Lane() : lane;
      if (current.busy) {
        current.waiting.add(op);
      } else {
        current.busy = true;
        op.holdsLane = true;
        startNow[0] = true;
      }
      return current;
    });
    if (startNow[0]) {
      op.start();
    }
  }

  /**
   * Takes an append out of its lane if it is still waiting there (not running).
   *
   * @return true if it was waiting and is no longer queued
   */
  boolean removeIfWaiting(AppendOp op) {
    boolean[] removed = {false};
    lanes.computeIfPresent(op.token, (key, lane) -> {
      removed[0] = !op.holdsLane && lane.waiting.remove(op);
      return lane;
    });
    return removed[0];
  }

  /** Frees the lane of a finished append, starting the next one on a worker thread. */
  void finished(AppendOp op) {
    AppendOp[] next = {null};
    lanes.computeIfPresent(op.token, (key, lane) -> {
      if (!op.holdsLane) {
        // it ended while still waiting (deadline, close): the running append keeps the lane
        lane.waiting.remove(op);
        return lane;
      }
      next[0] = lane.waiting.poll();
      if (next[0] != null) {
        next[0].holdsLane = true;
      }
      return next[0] == null ? null : lane;
    });
    if (next[0] != null) {
      executor.execute(next[0]::start);
    }
  }
}
