package one.flowmade.aether.jetstream;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AetherNonTransientException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.jetstream.EventLog.Found;
import one.flowmade.aether.jetstream.EventLog.Latest;
import one.flowmade.aether.jetstream.Failures.ServerError;
import one.flowmade.aether.jetstream.Failures.Unreachable;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds out what happened to an append whose outcome is not plain: the publish went unanswered
 * (timeout, no responders during an election, reconnect), the server refused the expectation,
 * or reported a duplicate message id. It reads the stream leader and decides whether the events
 * are stored (the append succeeds with where they are), can never be stored under that
 * expectation (start over, or a {@link VersionConflictException}), or are not stored yet
 * (publish again with the same expectation); see {@code docs/jetstream-store.md}. Runs on worker
 * threads and blocks on reads. Thread-safe.
 */
final class AppendOutcome {

  private static final Logger LOG = LoggerFactory.getLogger(AppendOutcome.class);
  private static final Duration CLOCK_SKEW_MARGIN = Duration.ofSeconds(30);

  private final StoreContext context;
  private final EventLog log;
  private final Namespace namespace;
  private final Duration duplicateWindow;

  AppendOutcome(StoreContext context, EventLog log, Duration duplicateWindow) {
    this.context = context;
    this.log = log;
    this.namespace = context.namespace();
    this.duplicateWindow = duplicateWindow;
  }

  /**
   * Reads the first event after the op.expected sequence: ours means stored; another event means
   * ours can never be stored under that expectation; none means not stored (yet), so the same
   * messages are published again with the same expectation.
   */
  void resolve(AppendOp op, ActorEnd base) {
    if (op.stopped()) {
      return;
    }
    try {
      Optional<StoredMessage> after = context.await(
          context.api().nextOn(op.filter, base.sequence() + 1));
      if (after.isEmpty()) {
        if (op.lastFailure instanceof ServerError e && e.isConflict()
            && e.errCode() == JetStreamErrors.WRONG_LAST_SEQUENCE) {
          // The leader saw a different last sequence than the one we read; read it again.
          op.uncertain = false;
          op.retry(e, () -> op.locate(false));
          return;
        }
        RuntimeException last = op.lastFailure;
        op.retry(last == null ? new Unreachable("not stored yet", null, false) : last,
            () -> op.publish(base));
        return;
      }
      Optional<Found> next = log.nextDecodable(op.filter, base.sequence() + 1, Long.MAX_VALUE);
      if (next.isPresent() && isOurs(op, next.get(), 0)) {
        LOG.debug("append to actor '{}' was stored by an earlier attempt, at position {}",
            op.actorId, next.get().sequence());
        succeedFrom(op, next.get());
        return;
      }
      LOG.debug("append to actor '{}' is not stored under sequence {}; starting over",
          op.actorId, base.sequence());
      op.uncertain = false;
      op.locate(false);
    } catch (AetherException | IllegalArgumentException e) {
      op.fail(e);
    } catch (RuntimeException e) {
      op.retry(e, () -> resolve(op, base));
    }
  }

  /** The actor is not at the op.expected version: a retry of a stored append, or a conflict. */
  void alreadyStoredOrConflict(AppendOp op, ActorEnd base) {
    if (op.stopped()) {
      return;
    }
    long expectedVersion = op.expected instanceof ExpectedVersion.Exactly exactly
        ? exactly.version() : 0;
    try {
      if (base.version() > expectedVersion) {
        Latest latest = new Latest(base.sequence(), base.version(), base.last());
        Optional<Found> next = log.atOrAfterVersion(op.actorId, expectedVersion + 1, latest);
        if (next.isPresent() && next.get().decodedEvent().version() == expectedVersion + 1
            && isOurs(op, next.get(), 0)) {
          succeedFrom(op, next.get());
          return;
        }
      }
      op.uncertain = false;
      op.fail(new VersionConflictException(op.actorId, op.expected, base.version()));
    } catch (AetherException | IllegalArgumentException e) {
      op.fail(e);
    } catch (RuntimeException e) {
      op.retry(e, () -> alreadyStoredOrConflict(op, base));
    }
  }

  /** A single event's publish was answered as a duplicate of the message at {@code seq}. */
  void fromDuplicate(AppendOp op, ActorEnd base, long sequence) {
    if (op.stopped()) {
      return;
    }
    try {
      Optional<StoredMessage> stored = log.get(sequence);
      if (stored.isPresent()) {
        Found found = log.decode(stored.get());
        if (found.decoded() && found.decodedEvent().actorId().equals(op.actorId)
            && isOurs(op, found, 0)) {
          succeedFrom(op, found);
          return;
        }
        op.uncertain = false;
        op.fail(alreadyStored(op, Map.of(op.events().get(0).id(), found)));
        return;
      }
      op.uncertain = false;
      op.fail(new IllegalArgumentException("event id '" + op.events().get(0).id()
          + "' was already used in namespace '" + namespace + "' for the message at position "
          + sequence + ", which no longer exists; event ids must be unique in a namespace"));
    } catch (AetherException | IllegalArgumentException e) {
      op.fail(e);
    } catch (RuntimeException e) {
      op.retry(e, () -> fromDuplicate(op, base, sequence));
    }
  }

  /**
   * An atomic batch was refused because one of its message ids is in the duplicate window:
   * either this append was stored before (a retry), or an id is used by another event.
   */
  void duplicateIds(AppendOp op, ActorEnd base) {
    if (op.stopped()) {
      return;
    }
    try {
      Optional<Found> next = log.nextDecodable(op.filter, base.sequence() + 1, Long.MAX_VALUE);
      if (next.isPresent() && isOurs(op, next.get(), 0)) {
        succeedFrom(op, next.get());
        return;
      }
      Map<String, Found> stored = findIdsInDuplicateWindow(op);
      Found first = stored.get(op.events().get(0).id());
      if (stored.size() == op.events().size() && first != null && first.decoded()
          && first.decodedEvent().actorId().equals(op.actorId)
          && isOurs(op, first, 0) && confirm(op, first).isPresent()) {
        succeedFrom(op, first);
        return;
      }
      op.uncertain = false;
      op.fail(alreadyStored(op, stored));
    } catch (AetherException | IllegalArgumentException e) {
      op.fail(e);
    } catch (RuntimeException e) {
      op.retry(e, () -> duplicateIds(op, base));
    }
  }

  private Map<String, Found> findIdsInDuplicateWindow(AppendOp op) {
    Map<String, String> wanted = new HashMap<>();
    for (NewEvent event : op.events()) {
      wanted.put(CloudEventMapping.encodedId(event), event.id());
    }
    ZonedDateTime since = ZonedDateTime.now(ZoneOffset.UTC)
        .minus(duplicateWindow).minus(CLOCK_SKEW_MARGIN);
    long from = log.firstSequenceAtOrAfter(since);
    Map<String, Found> found = new LinkedHashMap<>();
    if (from == 0) {
      return found;
    }
    long last = log.lastPosition();
    log.scan(log.allFilter(), from, last, true, message -> {
      String id = wanted.get(CloudEventMapping.rawId(message));
      if (id != null) {
        found.put(id, log.decode(message));
      }
      return found.size() < wanted.size();
    });
    return found;
  }

  IllegalArgumentException alreadyStored(AppendOp op, Map<String, Found> stored) {
    if (stored.isEmpty()) {
      List<String> ids = op.events().stream().map(NewEvent::id).toList();
      return new IllegalArgumentException("one of the event ids " + ids
          + " is already stored in namespace '" + namespace + "' (the server reported a"
          + " duplicate message id); event ids must be unique in a namespace");
    }
    StringBuilder text = new StringBuilder();
    stored.forEach((id, found) -> {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append('\'').append(id).append("' (position ").append(found.sequence());
      if (found.decoded()) {
        text.append(", actor '").append(found.decodedEvent().actorId()).append("', version ")
            .append(found.decodedEvent().version());
      }
      text.append(')');
    });
    return new IllegalArgumentException("event id" + (stored.size() > 1 ? "s " : " ") + text
        + (stored.size() > 1 ? " are" : " is") + " already stored in namespace '" + namespace
        + "'; an append may repeat a whole earlier append (a retry) but event ids must"
        + " otherwise be unique in a namespace; nothing was stored");
  }

  static boolean isOurs(AppendOp op, Found found, int index) {
    return found.decoded() && found.decodedEvent().actorId().equals(op.actorId)
        && found.decodedEvent().id().equals(op.events().get(index).id());
  }

  /** Checks that the rest of a stored append follows {@code first}; returns the last. */
  private Optional<Found> confirm(AppendOp op, Found first) {
    int n = op.events().size();
    if (n == 1) {
      return Optional.of(first);
    }
    Optional<StoredMessage> last = log.get(first.sequence() + n - 1);
    if (last.isEmpty()) {
      return Optional.empty();
    }
    Found found = log.decode(last.get());
    if (!isOurs(op, found, n - 1)
        || found.decodedEvent().version() != first.decodedEvent().version() + n - 1) {
      return Optional.empty();
    }
    return Optional.of(found);
  }

  void succeedFrom(AppendOp op, Found first) {
    if (confirm(op, first).isEmpty()) {
      op.uncertain = false;
      op.fail(new AetherNonTransientException("the first event of the append to actor '"
          + op.actorId + "' (id '" + op.events().get(0).id() + "') is stored at position "
          + first.sequence() + " but the others do not follow it", null));
      return;
    }
    int n = op.events().size();
    long firstVersion = first.decodedEvent().version();
    op.succeed(new AppendResult(op.actorId, firstVersion, firstVersion + n - 1, first.sequence(),
        first.sequence() + n - 1));
  }
}
