package one.flowmade.aether.projection;

import static one.flowmade.aether.projection.ProjectionRuntime.LOG;
import static one.flowmade.aether.projection.ProjectionRuntime.describe;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.Event;
import one.flowmade.aether.Position;
import one.flowmade.aether.ReadResult;

/**
 * What happens once an event's attempts are spent, by the {@link ErrorPolicy}'s action: stop,
 * skip and report, or park; and the parking list (list, retry, clear). Thread-safe.
 */
final class ErrorOutcomes {
  private final ProjectionRuntime rt;
  private final List<ParkedEvent> parked = new CopyOnWriteArrayList<>();

  ErrorOutcomes(ProjectionRuntime rt) {
    this.rt = rt;
  }

  int parkedCount() {
    return parked.size();
  }

  List<ParkedEvent> parked() {
    return List.copyOf(parked);
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
        parked.add(new ParkedEvent(pos, id, type, actor, cause, Instant.now()));
      }
      default -> throw new IllegalStateException(policy.action().toString());
    }
    return commitPast(pos);
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

  /** Applies every parked event again, each in its own unit of work; returns how many left. */
  int retryParked() {
    int done = 0;
    for (ParkedEvent p : parked) {
      ReadResult read = rt.store.readAll(Position.at(p.position()), 1);
      Optional<Event> event = read.events().stream()
          .filter(e -> e.position() == p.position()).findFirst();
      if (event.isEmpty()) {
        continue;
      }
      synchronized (rt.work) {
        try (CheckpointStore.Transaction tx = rt.settings.checkpoints().begin(rt.key,
            rt.epoch())) {
          rt.settings.handlers().invoke(event.get(), tx.connection());
          rt.commit(tx, rt.progress.position());
          parked.remove(p);
          done++;
          rt.progress.appliedOne();
        } catch (Exception e) {
          parked.set(parked.indexOf(p), new ParkedEvent(p.position(), p.eventId(), p.type(),
              p.actorId(), describe(e), Instant.now()));
        }
      }
    }
    return done;
  }

  int clearParked() {
    int n = parked.size();
    parked.clear();
    LOG.warn("projection {}: {} parked events cleared by request", rt.key, n);
    return n;
  }
}
