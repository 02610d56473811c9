package one.flowmade.aether.projection;

import static one.flowmade.aether.projection.ProjectionRuntime.LOG;
import static one.flowmade.aether.projection.ProjectionRuntime.describe;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;

/**
 * What happens once an event's attempts are spent, by the {@link ErrorPolicy}'s action: stop,
 * skip and report, or park; and the parking list (list, retry, clear), kept in the checkpoint
 * store so that it survives a restart. Thread-safe.
 */
final class ErrorOutcomes {
  private final ProjectionRuntime rt;
  private final CheckpointStore store;
  /** The last count read from or written to the store, for status when the store is away. */
  private volatile int lastCount;

  ErrorOutcomes(ProjectionRuntime rt) {
    this.rt = rt;
    this.store = rt.settings.checkpoints();
  }

  int parkedCount() {
    try {
      lastCount = store.parked(rt.key).size();
    } catch (UnsupportedOperationException e) {
      lastCount = 0;
    } catch (RuntimeException e) {
      // the store is away: report the last count known
    }
    return lastCount;
  }

  List<ParkedEvent> parked() {
    return store.parked(rt.key);
  }

  /** The attempts for an event are spent: stop, skip or park. Returns false to stop. */
  boolean exhausted(long pos, String id, String type, String actor, String cause,
      Throwable failure) {
    String where = "position " + pos + (id.isEmpty() ? "" : " (event " + id + ", type " + type
        + ", actor " + actor + ")");
    ErrorPolicy policy = rt.settings.policy();
    switch (policy.action()) {
      case STOP -> {
        rt.fail(where + " failed: " + cause + "; the checkpoint stays at "
            + rt.progress.position(), failure);
        return false;
      }
      case SKIP -> {
        String message = where + " skipped: " + cause;
        rt.progress.error(message);
        LOG.warn("projection {}: {}", rt.key, message);
        rt.progress.skippedOne();
      }
      case PARK -> {
        String message = where + " parked: " + cause;
        rt.progress.error(message);
        LOG.warn("projection {}: {}", rt.key, message);
        if (!park(new ParkedEvent(pos, id, type, actor, cause,
            Instant.now().truncatedTo(ChronoUnit.MICROS)))) {
          return false;
        }
      }
      default -> throw new IllegalStateException(policy.action().toString());
    }
    return commitPast(pos);
  }

  /** Records a parked event in the store, retrying while it is away; false if closing. */
  private boolean park(ParkedEvent p) {
    while (!rt.closing()) {
      try {
        store.park(rt.key, rt.epoch(), p);
        lastCount++;
        rt.progress.parkedOne();
        return true;
      } catch (CheckpointFencedException fenced) {
        rt.fail(describe(fenced), fenced);
        return false;
      } catch (UnsupportedOperationException | AetherNonTransientException e) {
        rt.fail("position " + p.position() + " cannot be parked: " + e.getMessage(), e);
        return false;
      } catch (RuntimeException e) {
        LOG.warn("projection {}: could not record parked position {}, retrying: {}", rt.key,
            p.position(), describe(e));
      }
      if (!rt.pause(rt.settings.policy().maxBackoff())) {
        return false;
      }
    }
    return false;
  }

  private boolean commitPast(long pos) {
    while (!rt.closing()) {
      synchronized (rt.work) {
        try (CheckpointStore.Transaction tx = rt.settings.checkpoints().begin(rt.key,
            rt.epoch())) {
          rt.commit(tx, pos);
          rt.progress.position(pos);
          return true;
        } catch (CheckpointFencedException fenced) {
          rt.fail(describe(fenced), fenced);
          return false;
        } catch (AetherNonTransientException refused) {
          rt.fail("position " + pos + ": the checkpoint store refused to move the checkpoint past"
              + " it: " + describe(refused), refused);
          return false;
        } catch (RuntimeException e) {
          LOG.warn("projection {}: checkpoint store unavailable, retrying: {}", rt.key,
              describe(e));
        }
      }
      if (!rt.pause(rt.settings.policy().maxBackoff())) {
        return false;
      }
    }
    return false;
  }

  /**
   * Applies every parked event again, each in its own unit of work that commits the checkpoint
   * unchanged; returns how many left the list. A running projection does it under its own claim,
   * between its units of work. One that is not running claims the checkpoint first (as a start
   * does, fencing any other instance of the key) and commits at the position it claimed, which no
   * other instance can move from then on.
   */
  int retryParked() {
    long epoch;
    long notRunningAt;
    if (rt.running()) {
      epoch = rt.epoch();
      notRunningAt = -1;
    } else {
      if (!rt.settings.ownership().getAsBoolean()) {
        throw new IllegalStateException("projection " + rt.key + " is not running and its owner"
            + " check says this instance does not own it; retry the parked events on the"
            + " instance that runs it");
      }
      Checkpoint claimed = store.claim(rt.key);
      epoch = claimed.epoch();
      notRunningAt = claimed.position();
      LOG.warn("projection {} is not running ({}): claimed its checkpoint (epoch {}, position {})"
          + " to retry its parked events; any other instance of it is fenced", rt.key,
          rt.progress.state(), epoch, notRunningAt);
    }
    int done = 0;
    for (ParkedEvent p : store.parked(rt.key)) {
      ReadResult read = rt.store.readAll(Position.at(p.position()), 1);
      Optional<Event> event = read.events().stream()
          .filter(e -> e.position() == p.position()).findFirst();
      if (event.isEmpty()) {
        continue;
      }
      synchronized (rt.work) {
        try (CheckpointStore.Transaction tx = store.begin(rt.key, epoch)) {
          rt.settings.handlers().invoke(event.get(), tx);
          rt.commit(tx, notRunningAt >= 0 ? notRunningAt : rt.progress.position());
        } catch (CheckpointFencedException fenced) {
          throw new CheckpointFencedException(rt.key, epoch, "another instance claimed the"
              + " checkpoint while parked events were retried; " + done + " were applied, the"
              + " others stay parked as they were: retry them on the instance that runs it");
        } catch (one.flowmade.aether.AetherTransientException unavailable) {
          throw unavailable;
        } catch (Exception e) {
          store.park(rt.key, epoch, new ParkedEvent(p.position(), p.eventId(), p.type(),
              p.actorId(), describe(e), Instant.now().truncatedTo(ChronoUnit.MICROS)));
          continue;
        }
        store.unpark(rt.key, p.position());
        done++;
        rt.progress.appliedOne();
      }
    }
    return done;
  }

  int clearParked() {
    int n = store.clearParked(rt.key);
    lastCount = 0;
    LOG.warn("projection {}: {} parked events cleared by request", rt.key, n);
    return n;
  }
}
