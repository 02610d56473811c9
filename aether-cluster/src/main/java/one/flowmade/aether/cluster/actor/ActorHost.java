package one.flowmade.aether.cluster.actor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.Deadline;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.VersionConflictException;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.actor.ActorState;
import one.flowmade.aether.actor.CommandOptions;
import one.flowmade.aether.actor.CommandResult;
import one.flowmade.aether.cluster.ActorMessageHandler;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.OwnedShard;
import one.flowmade.aether.cluster.ReleaseReason;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.ShardListener;
import one.flowmade.aether.cluster.internal.actor.Envelope;
import one.flowmade.aether.internal.BuilderSettings;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hosts actors on one cluster node: runs the commands that {@link ActorClient}s send to the
 * actors of the shards this node owns, one at a time per actor, with each actor's state cached in
 * memory while the shard is owned.
 *
 * <pre>{@code
 * ActorHost host = ActorHost.builder()
 *     .register(ACCOUNT, accountRepository, (account, command) -> account.decide(command))
 *     .build();
 * ClusterNode node = ClusterNode.builder()
 *     ...
 *     .messageHandler(host.messageHandler())
 *     .shardListener(host.shardListener())
 *     .handlerExecutor(Executors.newFixedThreadPool(32))   // required: commands block
 *     .build();
 * host.attach(node);
 * }</pre>
 *
 * <h2>What a command goes through on the owner</h2>
 * <ol>
 *   <li>Backpressure: if the actor already has {@link Builder#mailboxCapacity} commands waiting
 *       or running, or the node {@link Builder#maxPendingCommands}, the command is refused at once
 *       ({@link ActorBusyException} at the sender); nothing is queued without bound or dropped.
 *   <li>It waits for the actor's turn (one command at a time per actor, in arrival order), at most
 *       until its deadline (the sender's timeout).
 *   <li>Ownership: the node must own the actor's shard now, on the membership lease's clock, in
 *       the epoch the command was routed under ({@link OwnedShard#isOwned()}); otherwise nothing
 *       is appended and the reply is "moved" (naming the shard and epoch), which {@link
 *       ActorClient} sends again to the shard's owner until its timeout.
 *   <li>State: from the cache, or loaded ({@link ActorRepository#loadForHosting}) and cached. A
 *       command whose command id the actor's recent events or the commands run since carry is
 *       answered {@link CommandOutcome.Status#ALREADY_APPLIED} without appending.
 *   <li>Ownership is checked again, then the handler decides and the events are appended with the
 *       cached version as the expected version ({@link ActorRepository#executeOn}). A conflict
 *       means someone else wrote: the cache entry is dropped and, if the node still owns the
 *       shard, the command runs on a fresh load. Any failure drops the cache entry.
 * </ol>
 *
 * <h2>Handoff</h2>
 * A shard's release ({@link ShardListener#released}) comes only after the commands running for it
 * have returned (the node's gate waits for them, at most the node's {@link
 * ClusterNode.Builder#requestTimeout request timeout}; each is bounded by its deadline); the
 * shard's cached actors are then dropped. Commands still waiting for their turn find the node no
 * longer owner, append nothing and are answered "moved"; {@link ActorClient} sends them again to
 * the new owner. So a graceful {@link ClusterNode#close()} fails no command that has time left:
 * each either ran here before the release or runs on the new owner. A node that was paused past its lease
 * finds {@code ownsShard} false before it appends; if it passed the check just before the pause,
 * the expected version makes its append conflict, and the conflict path checks ownership first.
 *
 * <h2>Passivation</h2>
 * Cached actors idle for {@link Builder#passivateAfter} (default 10 minutes) or beyond {@link
 * Builder#maxCachedActors} (default 10,000 per type) are evicted (Caffeine); the next command
 * loads them again from the latest snapshot plus the events after it. Snapshots are taken by the
 * repository's snapshot policy after commands and, for an evicted actor with events after its
 * latest snapshot, at eviction ({@link one.flowmade.aether.actor.SnapshotPolicy#shouldSnapshotOnPassivation};
 * on Caffeine's executor, not on a command's thread). An actor dropped because its shard was
 * released is not snapshotted.
 *
 * <p>Thread-safe. {@link #close()} drops the caches; it does not close the node.
 */
public final class ActorHost implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ActorHost.class);
  private static final int RECENT_COMMAND_IDS = 256;

  private final Map<String, Hosted<?, ?, ?>> types;
  private final int mailboxCapacity;
  private final int maxPendingCommands;
  private final ConcurrentHashMap<Integer, Long> epochs = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final AtomicInteger pending = new AtomicInteger();
  /** Null until {@link #attach}; never cleared. */
  private volatile @Nullable ClusterNode node;
  private volatile boolean closed;
  /** Null without a registry. */
  private final @Nullable HostMeters meters;
  private final Tracing tracing;

  private ActorHost(Builder b) {
    this.tracing = b.tracing;
    this.mailboxCapacity = b.mailboxCapacity;
    this.maxPendingCommands = b.maxPendingCommands;
    this.meters = b.meterRegistry == null ? null : new HostMeters(b.meterRegistry, this);
    Map<String, Hosted<?, ?, ?>> hosted = new HashMap<>();
    for (Registration<?, ?, ?> r : b.registrations) {
      Hosted<?, ?, ?> h = r.hosted(b.passivateAfter, b.maxCachedActors, meters);
      hosted.put(r.type.name(), h);
      if (meters != null) {
        meters.cached(r.type.name(), h.cache::estimatedSize);
      }
    }
    this.types = Map.copyOf(hosted);
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
   * Returns the handler to give {@link ClusterNode.Builder#messageHandler}. Give the node a
   * {@link ClusterNode.Builder#handlerExecutor handler executor} too: commands block on the stores.
   *
   * @return the message handler
   */
  public ActorMessageHandler messageHandler() {
    return new ActorMessageHandler() {
      @Override
      public byte[] handle(String actorId, byte[] payload) {
        // Called by a wrapper that dropped the shard: fall back to the node's view of it.
        return ActorHost.this.handle(actorId, payload, null);
      }

      @Override
      public byte[] handle(String actorId, byte[] payload, OwnedShard shard) {
        return ActorHost.this.handle(actorId, payload, shard);
      }
    };
  }

  /**
   * Returns the listener to give {@link ClusterNode.Builder#shardListener}; it forwards every
   * call to {@code next} after its own work.
   *
   * @param next the application's listener, or {@code null}
   * @return the shard listener
   */
  public ShardListener shardListener(@Nullable ShardListener next) {
    ShardListener after = next != null ? next : new ShardListener() { };
    return new ShardListener() {
      @Override
      public void acquired(int shard, long epoch) {
        epochs.put(shard, epoch);
        after.acquired(shard, epoch);
      }

      @Override
      public void released(int shard, long epoch, ReleaseReason reason) {
        epochs.remove(shard);
        dropShard(shard);
        after.released(shard, epoch, reason);
      }

      @Override
      public void assignmentChanged(ShardAssignment assignment) {
        after.assignmentChanged(assignment);
      }
    };
  }

  /**
   * Returns the listener to give {@link ClusterNode.Builder#shardListener}.
   *
   * @return the shard listener
   */
  public ShardListener shardListener() {
    return shardListener(null);
  }

  /**
   * Binds the host to the node it runs on (ownership checks use it). Until then commands are
   * answered "moved" (nothing appended) and {@link ActorClient} sends them again, so attach right
   * after building the node.
   *
   * @param node the node built with this host's handler and listener
   * @throws NullPointerException if {@code node} is null
   * @throws IllegalStateException if already attached (a host serves one node; build one host
   *     per node), or if the host is closed
   */
  public synchronized void attach(ClusterNode node) {
    Objects.requireNonNull(node, "node");
    if (closed) {
      throw new IllegalStateException("the actor host is closed; build a new one for node '"
          + node.nodeId() + "'");
    }
    if (this.node != null) {
      throw new IllegalStateException("the host is already attached to node '"
          + this.node.nodeId() + "'");
    }
    this.node = node;
  }

  /**
   * Returns how many actors of all types are cached now (an estimate).
   *
   * @return the count
   */
  public long cachedActors() {
    long n = 0;
    for (Hosted<?, ?, ?> h : types.values()) {
      n += h.cache.estimatedSize();
    }
    return n;
  }

  /**
   * Returns how many commands are waiting for their actor's turn or running on this node now.
   *
   * @return the count, at most {@link Builder#maxPendingCommands}
   */
  public int pendingCommands() {
    return Math.max(0, pending.get());
  }

  /**
   * Drops every cached actor and removes the host's meters; later commands are answered "moved"
   * (nothing appended), so {@link ActorClient} sends them to another owner, and a later {@link
   * #attach} throws {@link IllegalStateException}. Idempotent; never
   * throws, also on an interrupted thread (it does not wait). Does not close the node: close the node first, so that its shards are handed over
   * (see {@link one.flowmade.aether.Shutdown} and {@code docs/operations.md}, "Shutdown").
   */
  @Override
  public void close() {
    closed = true;
    for (Hosted<?, ?, ?> h : types.values()) {
      h.cache.invalidateAll();
    }
    if (meters != null) {
      meters.remove();
    }
  }

  private void dropShard(int shard) {
    ClusterNode current = node;
    for (Hosted<?, ?, ?> h : types.values()) {
      if (current == null) {
        h.cache.invalidateAll();
        continue;
      }
      List<String> drop = new ArrayList<>();
      for (String actorId : h.cache.asMap().keySet()) {
        if (current.shardOf(actorId) == shard) {
          drop.add(actorId);
        }
      }
      h.cache.invalidateAll(drop);
      if (meters != null && !drop.isEmpty()) {
        meters.passivated(h.type.name(), "release", drop.size());
      }
    }
  }

  // ---- one command ---------------------------------------------------------------------------

  private byte[] handle(String actorId, byte[] payload, @Nullable OwnedShard given) {
    ClusterNode attached = node;
    String nodeId = attached == null ? "?" : attached.nodeId();
    Envelope.Request request;
    try {
      request = Envelope.request(payload);
    } catch (IllegalArgumentException e) {
      // Envelope.request names what is wrong in every exception it throws.
      String problem = e.getMessage();
      return error(nodeId, problem != null ? problem : e.toString()).bytes();
    }
    Hosted<?, ?, ?> hosted = types.get(request.type());
    if (hosted == null) {
      return error(nodeId, "node '" + nodeId + "' hosts no actor type '" + request.type()
          + "' (it hosts " + types.keySet() + ")").bytes();
    }
    if (meters == null && tracing == Tracing.none()) {
      return handle(hosted, actorId, request, nodeId, Metadata.empty(), given).bytes();
    }
    long start = System.nanoTime();
    Tracing.Operation span = tracing.start(COMMAND_SPAN, Tracing.Kind.INTERNAL, request.trace())
        .attribute("aether.actor.type", request.type()).attribute("aether.actor.id", actorId);
    Answer answer;
    try (Tracing.CurrentScope ignored = span.makeCurrent()) {
      answer = handle(hosted, actorId, request, nodeId, span.inject(Metadata.empty()),
          given);
    }
    if (meters != null) {
      meters.command(request.type(), answer.status(), System.nanoTime() - start);
    }
    if (ERROR.equals(answer.status())) {
      span.failed(new HostedCommandException(answer.message(), null));
    }
    span.attribute("aether.command.outcome", answer.status()).end();
    return answer.bytes();
  }

  /** The span of a hosted command on its owner. */
  static final String COMMAND_SPAN = "aether.actor.command";

  private Answer handle(Hosted<?, ?, ?> hosted, String actorId, Envelope.Request request,
      String nodeId, Metadata trace, @Nullable OwnedShard given) {
    ClusterNode attached = node;
    if (closed || attached == null) {
      return moved(nodeId, "the actor host of node '" + nodeId + "' is "
          + (closed ? "closed" : "not attached to its node yet") + "; nothing was appended");
    }
    if (pending.incrementAndGet() > maxPendingCommands) {
      pending.decrementAndGet();
      return busy(nodeId, "node '" + nodeId + "' has " + maxPendingCommands
          + " commands pending (its bound)");
    }
    String key = request.type() + '\u0000' + actorId;
    Mailbox mailbox = enterMailbox(key);
    try {
      if (mailbox == null) {
        return busy(nodeId, "the mailbox of actor '" + actorId + "' is full ("
            + mailboxCapacity + " commands waiting or running)");
      }
      Deadline deadline = Deadline.after(Duration.ofMillis(Math.max(1, request.timeoutMillis())));
      try {
        if (!mailbox.lock.tryLock(deadline.remainingNanos(), TimeUnit.NANOSECONDS)) {
          return error(nodeId, "the command for actor '" + actorId + "' waited its whole timeout"
              + " for the commands before it");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return error(nodeId, "interrupted while waiting for actor '" + actorId + "'");
      }
      try {
        OwnedShard shard = given != null ? given : nodeView(attached, actorId);
        return hosted.run(nodeId, shard, actorId, request, deadline, trace);
      } finally {
        mailbox.lock.unlock();
      }
    } finally {
      if (mailbox != null) {
        leaveMailbox(key);
      }
      pending.decrementAndGet();
    }
  }

  /** Returns the actor's mailbox with this command counted in, or null if it is full. */
  private @Nullable Mailbox enterMailbox(String key) {
    boolean[] full = {false};
    Mailbox mailbox = mailboxes.compute(key, (k, m) -> {
      Mailbox current = m != null ? m : new Mailbox();
      if (current.count >= mailboxCapacity) {
        full[0] = true;
      } else {
        current.count++;
      }
      return current;
    });
    return full[0] ? null : mailbox;
  }

  private void leaveMailbox(String key) {
    mailboxes.computeIfPresent(key, (k, m) -> --m.count == 0 ? null : m);
  }

  /**
   * Throws if this node does not own the actor's shard now, on the lease clock, in the epoch the
   * command entered under.
   */
  private static void checkOwner(OwnedShard shard, String nodeId, String actorId) {
    if (!shard.isOwned()) {
      throw new NotOwnerException("node '" + nodeId + "' does not own shard " + shard.shard()
          + " of actor '" + actorId + "' now" + (shard.epoch() < 0 ? "" : " (it held it in epoch "
          + shard.epoch() + " and its lease ran out or the shard is being released)")
          + "; nothing was appended");
    }
  }

  /**
   * The actor's shard as the node and this host's listener see it, for a call without the
   * shard: owned while the node owns it and the host knows the epoch it acquired it in.
   */
  private OwnedShard nodeView(ClusterNode current, String actorId) {
    int shard = current.shardOf(actorId);
    Long known = epochs.get(shard);
    return new NodeView(shard, known == null ? -1 : known, known, current, epochs);
  }

  /** See {@link #nodeView}: {@code known} is the epoch the listener knew, or null. */
  private record NodeView(int shard, long epoch, @Nullable Long known, ClusterNode node,
      Map<Integer, Long> epochs) implements OwnedShard {
    @Override
    public boolean isOwned() {
      return known != null && known.equals(epochs.get(shard)) && node.ownsShard(shard);
    }
  }

  private static final String ERROR = "ERROR";

  /**
   * A reply as sent, with the status and message it was encoded from, so that meters and spans
   * learn the outcome without parsing the bytes again.
   */
  private record Answer(String status, String message, byte[] bytes) {}

  private static Answer reply(String status, long version, List<Envelope.ReplyEvent> events,
      String message, String nodeId) {
    return new Answer(status, message, Envelope.reply(status, version, events, message, nodeId));
  }

  private static Answer error(String nodeId, String message) {
    return reply(ERROR, 0, List.of(), message, nodeId);
  }

  /** Nothing was appended and this node does not run the command: the client tries again. */
  private static Answer moved(String nodeId, String message) {
    return reply(Envelope.MOVED, 0, List.of(), message, nodeId);
  }

  private static Answer busy(String nodeId, String message) {
    return reply("BUSY", 0, List.of(), message, nodeId);
  }

  private static final class Mailbox {
    final ReentrantLock lock = new ReentrantLock(true);
    int count;
  }

  private static final class NotOwnerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The message, never null. */
    final String reason;

    NotOwnerException(String message) {
      super(message);
      this.reason = message;
    }
  }

  private static final class Rejection extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The handler's exception (the cause), never null. */
    final RuntimeException failure;

    Rejection(RuntimeException cause) {
      super(cause.getMessage(), cause);
      this.failure = cause;
    }
  }

  /**
   * A cached actor: its state with its latest snapshot version, replaced in place after each
   * command under the actor's turn (volatile: an eviction reads it on Caffeine's thread), and the
   * command ids recently applied (changed only under the actor's turn).
   */
  private static final class Cached<S> {
    private volatile Current<S> current;
    private final RecentCommandIds commandIds;

    Cached(ActorState<S> state, long snapshotVersion, RecentCommandIds commandIds) {
      this.current = new Current<>(state, snapshotVersion);
      this.commandIds = commandIds;
    }

    Current<S> current() {
      return current;
    }

    ActorState<S> state() {
      return current.state();
    }

    long snapshotVersion() {
      return current.snapshotVersion();
    }

    RecentCommandIds commandIds() {
      return commandIds;
    }

    void advance(ActorState<S> next, long nextSnapshotVersion, @Nullable String commandId) {
      if (commandId != null) {
        commandIds.add(commandId);
      }
      current = new Current<>(next, nextSnapshotVersion);
    }
  }

  /** A cached actor's state and the version of its latest snapshot, read together. */
  private record Current<S>(ActorState<S> state, long snapshotVersion) {}

  /** One registered type: its repository, handler and cache. */
  private static final class Hosted<S, E, C> {
    final ActorType<E, C> type;
    final ActorRepository<S, E> repository;
    final CommandHandler<S, E, C> handler;
    final Cache<String, Cached<S>> cache;
    private final @Nullable HostMeters meters;

    Hosted(ActorType<E, C> type, ActorRepository<S, E> repository,
        CommandHandler<S, E, C> handler, Duration passivateAfter, long maxCached,
        @Nullable HostMeters meters) {
      this.meters = meters;
      this.type = type;
      this.repository = repository;
      this.handler = handler;
      this.cache = Caffeine.newBuilder().expireAfterAccess(passivateAfter)
          .maximumSize(maxCached)
          .scheduler(Scheduler.systemScheduler()) // idle actors leave without further traffic
          .<String, Cached<S>>removalListener((actorId, cached, cause) -> {
            if (cause.wasEvicted() && cached != null) {
              if (meters != null) {
                meters.passivated(type.name(), cause == RemovalCause.SIZE ? "size" : "idle", 1);
              }
              passivated(cached);
            }
          })
          .build();
    }

    /** Snapshots an evicted actor per the repository's policy (a failed save is only logged). */
    private void passivated(Cached<S> cached) {
      Current<S> last = cached.current();
      try {
        if (repository.snapshotOnPassivation(last.state(), last.snapshotVersion())
            && meters != null) {
          meters.passivationSnapshot(type.name(), "saved");
        }
      } catch (RuntimeException e) {
        if (meters != null) {
          meters.passivationSnapshot(type.name(), "failed");
        }
        LOG.warn("snapshot of passivated actor '{}' failed", last.state().actorId(), e);
      }
    }

    Answer run(String nodeId, OwnedShard shard, String actorId, Envelope.Request request,
        Deadline deadline, Metadata trace) {
      C command;
      try {
        command = type.json().treeToValue(request.command(), type.commandClass());
      } catch (JsonProcessingException | IllegalArgumentException e) {
        return error(nodeId, "the command for actor '" + actorId + "' cannot be read as a "
            + type.commandClass().getName() + ": " + e.getMessage());
      }
      String commandId = request.commandId();
      CommandOptions options = CommandOptions.defaults().withDeadline(deadline)
          .withMetadata(trace);
      if (commandId != null) {
        options = options.withCommandId(commandId);
      }
      try {
        checkOwner(shard, nodeId, actorId);
        Cached<S> cached = cache.getIfPresent(actorId);
        if (cached == null) {
          ActorRepository.HostedState<S> loaded = repository.loadForHosting(actorId, deadline);
          cached = new Cached<>(loaded.state(), loaded.snapshotVersion(),
              RecentCommandIds.of(RECENT_COMMAND_IDS, loaded.commandIds()));
          cache.put(actorId, cached);
        }
        if (commandId != null && cached.commandIds().contains(commandId)) {
          return reply("ALREADY_APPLIED", cached.state().version(), List.of(), "",
              nodeId);
        }
        C decided = command;
        CommandResult<S, E> result;
        checkOwner(shard, nodeId, actorId);
        try {
          result = repository.executeOn(cached.state(), cached.snapshotVersion(), options,
              state -> decide(state, decided));
        } catch (VersionConflictException conflict) {
          cache.invalidate(actorId);
          checkOwner(shard, nodeId, actorId);
          LOG.debug("actor '{}' moved on under its cached state ({}); running on a fresh load",
              actorId, conflict.getMessage());
          result = repository.execute(actorId, options, state -> decide(state, decided));
          cached = new Cached<>(result.state(), 0, cached.commandIds());
          cache.put(actorId, cached);
        }
        long snapshotVersion = repository.snapshotDue(result.state(), cached.snapshotVersion(),
            result.events().size()) ? result.state().version() : cached.snapshotVersion();
        // in place: a cache write per command costs more than the command's own bookkeeping
        cached.advance(result.state(), snapshotVersion, commandId);
        return reply(result.alreadyApplied() ? "ALREADY_APPLIED" : "APPLIED",
            result.state().version(), result.alreadyApplied() ? List.of() : encode(result.events()),
            "", nodeId);
      } catch (Rejection rejection) {
        return reply("REJECTED", cache.asMap().containsKey(actorId)
            ? cache.asMap().get(actorId).state().version() : 0, List.of(),
            rejection.failure.getMessage() == null ? rejection.failure.getClass().getName()
                : rejection.failure.getMessage(), nodeId);
      } catch (NotOwnerException e) {
        cache.invalidate(actorId);
        return moved(nodeId, e.reason);
      } catch (AetherException | IllegalArgumentException | IllegalStateException e) {
        cache.invalidate(actorId);
        LOG.warn("command for actor '{}' failed on node '{}'", actorId, nodeId, e);
        return error(nodeId, e.getClass().getSimpleName() + ": " + e.getMessage());
      }
    }

    private List<? extends E> decide(S state, C command) {
      try {
        return handler.handle(state, command);
      } catch (RuntimeException e) {
        throw new Rejection(e);
      }
    }

    private List<Envelope.ReplyEvent> encode(List<E> events) {
      List<Envelope.ReplyEvent> encoded = new ArrayList<>(events.size());
      for (E event : events) {
        NewEvent e = type.codec().toNewEvent(event);
        encoded.add(new Envelope.ReplyEvent(e.type(), e.data().contentType(), e.data().asUtf8()));
      }
      return encoded;
    }
  }

  private record Registration<S, E, C>(ActorType<E, C> type, ActorRepository<S, E> repository,
      CommandHandler<S, E, C> handler) {
    Hosted<S, E, C> hosted(Duration passivateAfter, long maxCached, @Nullable HostMeters meters) {
      return new Hosted<>(type, repository, handler, passivateAfter, maxCached, meters);
    }
  }

  /** Builds an {@link ActorHost}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private final List<Registration<?, ?, ?>> registrations = new ArrayList<>();
    private Duration passivateAfter = Duration.ofMinutes(10);
    private long maxCachedActors = 10_000;
    private int mailboxCapacity = 100;
    private int maxPendingCommands = 10_000;
    private @Nullable MeterRegistry meterRegistry;
    private Tracing tracing = Tracing.none();

    private Builder() {}

    /**
     * Traces each hosted command with {@code openTelemetry} (default: not at all, and no
     * OpenTelemetry class loaded): a {@code aether.actor.command} span on this node, from arrival
     * to reply, whose parent is the sender's span ({@link ActorClient.Builder#openTelemetry}: its
     * trace context travels with the command); the events the command appends carry this span's
     * trace context in their metadata (the CloudEvents distributed-tracing extension), so the
     * store's append and every handler of the events join the trace. Give the repository's store
     * the same OpenTelemetry for the {@code aether.append} span. OpenTelemetry is an optional
     * dependency: add {@code opentelemetry-api} to use this.
     *
     * @param openTelemetry the OpenTelemetry to record spans with
     * @return this builder
     * @throws NullPointerException if {@code openTelemetry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.tracing = BuilderSettings.tracing(this.tracing, openTelemetry);
      return this;
    }

    /**
     * Registers the host's meters on {@code registry} (default: none, and no Micrometer class
     * loaded): {@code aether.actor.commands} (a timer by {@code type} and {@code outcome} =
     * {@code applied}, {@code already_applied}, {@code rejected}, {@code moved}, {@code busy},
     * {@code error}), {@code aether.actor.commands.pending}, {@code aether.actor.cached},
     * {@code aether.actor.passivations} (by {@code cause} = {@code idle}, {@code size}, {@code
     * release}) and {@code aether.actor.passivation.snapshots} (by {@code outcome} = {@code
     * saved}, {@code failed}); see {@code docs/operations.md}. They are removed when the host
     * closes. Micrometer is an optional dependency: add {@code micrometer-core} to use this.
     *
     * @param registry the registry
     * @return this builder
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if already set
     */
    @SuppressWarnings("exports") // Micrometer is optional: callers of this method add it
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = BuilderSettings.once(this.meterRegistry, registry, "meterRegistry");
      return this;
    }

    /**
     * Hosts an actor type.
     *
     * @param type the type, as senders know it
     * @param repository runs the type's model on its stores (its command timeout is overridden by
     *     each command's deadline)
     * @param handler decides the events of a command
     * @param <S> the state type
     * @param <E> the event type
     * @param <C> the command type
     * @return this builder
     * @throws IllegalStateException if a type of that name is already registered
     */
    public <S, E, C> Builder register(ActorType<E, C> type, ActorRepository<S, E> repository,
        CommandHandler<S, E, C> handler) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(repository, "repository");
      Objects.requireNonNull(handler, "handler");
      for (Registration<?, ?, ?> r : registrations) {
        if (r.type.name().equals(type.name())) {
          throw new IllegalStateException("actor type '" + type.name() + "' is already registered");
        }
      }
      registrations.add(new Registration<>(type, repository, handler));
      return this;
    }

    /**
     * Sets how long a cached actor may stay idle before it is evicted (default 10 minutes).
     *
     * @param idle the time, positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder passivateAfter(Duration idle) {
      Objects.requireNonNull(idle, "idle");
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("passivateAfter must be positive, was " + idle);
      }
      this.passivateAfter = idle;
      return this;
    }

    /**
     * Sets how many actors of each type stay cached at most (default 10,000).
     *
     * @param max the bound, at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxCachedActors(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxCachedActors must be at least 1, was " + max);
      }
      this.maxCachedActors = max;
      return this;
    }

    /**
     * Sets how many commands one actor may have waiting or running on this node (default 100);
     * more are refused with {@link ActorBusyException}.
     *
     * @param capacity the bound, at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder mailboxCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("mailboxCapacity must be at least 1, was " + capacity);
      }
      this.mailboxCapacity = capacity;
      return this;
    }

    /**
     * Sets how many commands this node may have waiting or running in all (default 10,000);
     * more are refused with {@link ActorBusyException}.
     *
     * @param max the bound, at least 1
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public Builder maxPendingCommands(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingCommands must be at least 1, was " + max);
      }
      this.maxPendingCommands = max;
      return this;
    }

    /**
     * Builds the host; attach it to its node with {@link ActorHost#attach}.
     *
     * @return the host
     * @throws IllegalStateException if no type is registered
     */
    public ActorHost build() {
      if (registrations.isEmpty()) {
        throw new IllegalStateException("register at least one actor type");
      }
      return new ActorHost(this);
    }
  }
}
