package one.flowmade.aether.projection;

import static one.flowmade.aether.projection.ProjectionRuntime.LOG;
import static one.flowmade.aether.projection.ProjectionRuntime.describe;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.UndecodableEvent;

/**
 * The run loop of a projection, on its own thread: takes what has arrived from the subscription
 * (up to the batch size), applies it as one unit of work that ends with the checkpoint commit,
 * and, when a unit fails, applies its events one at a time with the error policy's retries.
 */
final class ProjectionWorker implements Runnable {
  private static final Object LIVE_MARK = new Object();
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration RESUBSCRIBE_FIRST = Duration.ofMillis(200);
  private static final Duration RESUBSCRIBE_CAP = Duration.ofSeconds(5);

  private final ProjectionRuntime rt;
  private final ProjectionSettings settings;
  private final CheckpointStore checkpoints;
  private final ProjectionProgress progress;
  private final ErrorPolicy policy;
  private final String key;
  private final EventHandler feed = new Feed();

  ProjectionWorker(ProjectionRuntime rt) {
    this.rt = rt;
    this.settings = rt.settings;
    this.checkpoints = settings.checkpoints();
    this.progress = rt.progress;
    this.policy = settings.policy();
    this.key = rt.key;
  }

  /** Returns the subscription handler that feeds this loop through the bounded queue. */
  EventHandler feed() {
    return feed;
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
      while (!rt.closing()) {
        if (rt.queue.offer(item, POLL.toMillis(), TimeUnit.MILLISECONDS)) {
          return;
        }
      }
    }
  }

  @Override
  public void run() {
    try {
      List<Object> batch = new ArrayList<>(settings.batchSize());
      while (!rt.closing()) {
        Object first = rt.queue.poll(POLL.toMillis(), TimeUnit.MILLISECONDS);
        if (first == null) {
          EventSubscription s = rt.subscription();
          if (s != null && !s.isActive() && !rt.closing()) {
            Throwable failure = s.failure().orElse(null);
            if (!(failure instanceof AetherTransientException) || !resubscribe(failure)) {
              if (!rt.closing()) {
                rt.fail("the subscription to namespace " + rt.store.namespace().name()
                    + " stopped: " + (failure == null ? "unknown cause" : describe(failure)),
                    failure);
              }
              return;
            }
          }
          continue;
        }
        batch.clear();
        batch.add(first);
        rt.queue.drainTo(batch, settings.batchSize() - 1);
        if (!process(batch)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      rt.fail("unexpected error: " + describe(e), e);
    }
  }

  /**
   * Rides out a subscription that the store stopped because it could not reach the server for
   * its whole retry budget: subscribes again after the last applied position, backing off from
   * {@link #RESUBSCRIBE_FIRST} doubling to {@link #RESUBSCRIBE_CAP} while the store stays
   * unreachable, until it works or the projection closes. Nothing is skipped: the new
   * subscription starts after the checkpointed work. Returns false if the projection is closing.
   */
  private boolean resubscribe(Throwable cause) {
    rt.progress.error("subscription stopped, subscribing again: " + describe(cause));
    LOG.warn("projection {}: its subscription stopped on a transient failure ({}); subscribing"
        + " again after position {}", key, describe(cause), progress.position());
    Duration wait = RESUBSCRIBE_FIRST;
    while (rt.pause(wait)) {
      try {
        return rt.resubscribe(feed);
      } catch (AetherTransientException e) {
        LOG.warn("projection {}: subscribing again failed ({}); next try in {} ms", key,
            describe(e), wait.multipliedBy(2).toMillis());
        wait = wait.multipliedBy(2).compareTo(RESUBSCRIBE_CAP) > 0 ? RESUBSCRIBE_CAP
            : wait.multipliedBy(2);
      }
    }
    return false;
  }

  /** Returns false once the projection must stop. */
  private boolean process(List<Object> batch) {
    List<Event> chunk = new ArrayList<>();
    for (Object item : batch) {
      if (item instanceof Event e) {
        if (e.position() > progress.position()
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
        progress.live();
        LOG.info("projection {} is live at position {}", key, progress.position());
      } else if (item instanceof UndecodableEvent u && u.position() > progress.position()
          && !rt.outcomes.exhausted(u.position(), "", "", u.source(),
              "stored message could not be decoded: " + describe(u.cause()), u.cause())) {
        return false;
      }
    }
    return applyChunk(chunk);
  }

  private boolean applyChunk(List<Event> chunk) {
    if (chunk.isEmpty() || rt.closing()) {
      return !rt.closing();
    }
    int done = 0;
    synchronized (rt.work) {
      CheckpointStore.Transaction tx = null;
      try {
        tx = checkpoints.begin(key, rt.epoch());
        boolean transactional = tx.connection().isPresent() || tx.kvBatch().isPresent();
        for (Event e : chunk) {
          if (tx instanceof KvReadModel.KvTransaction kv) {
            kv.mark();
          }
          try {
            settings.handlers().invoke(e, tx);
          } catch (Exception failure) {
            if (done > 0 && tx instanceof KvReadModel.KvTransaction kv && kv.overflowed()) {
              // the atomic batch is full: commit the events before this one, go on in a new one
              kv.rollbackToMark();
              rt.commit(tx, chunk.get(done - 1).position());
              progress.advance(chunk.subList(0, done));
              tx.close();
              tx = null;
              return applyChunk(chunk.subList(done, chunk.size()));
            }
            if (!transactional && done > 0) {
              rt.commit(tx, chunk.get(done - 1).position());
              progress.advance(chunk.subList(0, done));
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
          rt.commit(tx, chunk.get(chunk.size() - 1).position());
          progress.advance(chunk);
          return true;
        }
      } catch (CheckpointFencedException e) {
        rt.fail(describe(e), e);
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

  private boolean applyOne(Event e) {
    int attempt = 0;
    while (!rt.closing()) {
      boolean infrastructure = false;
      boolean handlerFailed = false;
      Exception failure;
      synchronized (rt.work) {
        try (CheckpointStore.Transaction tx = checkpoints.begin(key, rt.epoch())) {
          try {
            settings.handlers().invoke(e, tx);
          } catch (Exception handlerFailure) {
            handlerFailed = true;
            infrastructure = tx.connection().map(ProjectionWorker::isBroken).orElse(false);
            throw handlerFailure;
          }
          rt.commit(tx, e.position());
          progress.advance(List.of(e));
          return true;
        } catch (CheckpointFencedException fenced) {
          rt.fail(describe(fenced), fenced);
          return false;
        } catch (AetherTransientException unavailable) {
          infrastructure = true;
          failure = unavailable;
        } catch (Exception other) {
          if (!handlerFailed && other instanceof AetherNonTransientException refused) {
            // not the event's fault, and retrying cannot cure it: no attempt, skip or park
            rt.fail("position " + e.position() + ": the checkpoint store refused the unit of"
                + " work: " + describe(refused) + "; fix the store (permissions, configuration),"
                + " then start a new instance", refused);
            return false;
          }
          failure = other;
        }
      }
      if (infrastructure) {
        String message = "position " + e.position() + ": checkpoint store unavailable, retrying: "
            + describe(failure);
        progress.error(message);
        LOG.warn("projection {}: {}", key, message);
        if (!rt.pause(policy.maxBackoff())) {
          return false;
        }
        continue;
      }
      attempt++;
      boolean undecodable = failure instanceof Handlers.UndecodableData;
      String message = "position " + e.position() + " (event " + e.id() + ", type " + e.type()
          + ", attempt " + attempt + " of " + policy.attempts() + "): " + describe(failure);
      progress.error(message);
      LOG.warn("projection {}: {}", key, message);
      if (undecodable || attempt >= policy.attempts()) {
        return rt.outcomes.exhausted(e.position(), e.id(), e.type(), e.actorId(),
            describe(failure), failure);
      }
      if (!rt.pause(policy.backoff(attempt))) {
        return false;
      }
    }
    return false;
  }

  private static boolean isBroken(Connection c) {
    try {
      return !c.isValid(2);
    } catch (SQLException e) {
      return true;
    }
  }
}
