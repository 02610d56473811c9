package one.flowmade.aether.jetstream;

import io.nats.client.BaseConsumerContext;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamStatusCheckedException;
import io.nats.client.Message;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventHandler;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.Position;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.jetstream.EventLog.Found;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.JetStreamErrors;
import one.flowmade.aether.nats.internal.PermissionViolations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A subscription on its own thread: an ordered consumer for an ephemeral subscription, a durable
 * pull consumer with explicit acks (sent after the handler returns) for a durable one. Event type
 * filters are consumer filter subjects, so the server filters. Thread-safe.
 */
final class StoreSubscription implements EventSubscription {

  private static final Logger LOG = LoggerFactory.getLogger(StoreSubscription.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration PULL_EXPIRY = Duration.ofSeconds(4);
  private static final Duration STALL_CHECK_CATCHING_UP = Duration.ofSeconds(2);
  private static final Duration STALL_CHECK_LIVE = Duration.ofSeconds(10);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final StoreContext context;
  private final EventLog log;
  private final SubscriptionOptions options;
  private final EventHandler handler;
  private final List<String> filters;
  private final Consumer<StoreSubscription> onClosed;
  private final CountDownLatch liveLatch = new CountDownLatch(1);
  private final Thread thread;
  private final long liveAt;
  private final long startFloor;
  private final long start;
  private BaseConsumerContext consumer;
  private long lastProgress = System.nanoTime();
  private volatile boolean stopping;
  private volatile boolean running = true;
  private volatile boolean live;
  private volatile long lastPosition;
  /** Why the subscription stopped, or null while it runs or if it was closed. */
  private volatile @Nullable Throwable failure;
  private boolean closed;
  /** The last handled message of a durable subscription, not acknowledged yet; or null. */
  private @Nullable Message unacked;
  private StoreMetrics.SubscriptionMeters meters = StoreMetrics.SubscriptionMeters.NONE;

  StoreSubscription(StoreContext context, EventLog log, SubscriptionOptions options,
      EventHandler handler, String threadName, Consumer<StoreSubscription> onClosed) {
    this.context = context;
    this.log = log;
    this.options = options;
    this.handler = handler;
    this.onClosed = onClosed;
    this.filters = AetherStreams.filters(context.namespace(), options.eventTypes());
    long end = log.lastPosition();
    this.start = options.from() instanceof Position.At at ? at.position() : end + 1;
    this.consumer = context.call("open a subscription", () -> CompletableFuture
        .completedFuture(openConsumer(start, true)));
    this.liveAt = end;
    this.startFloor = options.durableName().isEmpty() ? start - 1 : 0;
    this.thread = context.newThread(this::run, threadName);
  }

  void start() {
    thread.start();
  }

  // ---- consumers ---------------------------------------------------------------------------

  /**
   * Opens the consumer. A durable name is exclusive: when opening (not when this subscription
   * reopens its own consumer), a consumer that another client is pulling from is refused, never
   * taken over, because recreating it would delete it under that client. An existing durable
   * consumer (one this subscription made earlier, or one the namespace's provisioning role made
   * ahead of it) is adopted as it is and resumes where it is; one whose configuration differs
   * from {@link AetherStreams#durable} is updated in place, and one with deliveries not yet
   * acknowledged is recreated after its ack floor. A user that may not create or update the
   * durable (an application role without those rights) fails at once, before anything is
   * deleted, with a {@link PermissionDeniedException} saying the
   * provisioning role must create it.
   */
  private BaseConsumerContext openConsumer(long start, boolean exclusive) {
    try {
      if (options.durableName().isEmpty()) {
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
            .filterSubjects(filters)
            .deliverPolicy(DeliverPolicy.ByStartSequence)
            .startSequence(Math.max(1, start));
        return log.streamContext().createOrderedConsumer(config);
      }
      String name = AetherStreams.durableConsumerName(options.durableName().get());
      JetStreamManagement jsm = context.connection().jetStreamManagement();
      String stream = context.api().stream();
      ConsumerInfo info = consumerInfo(jsm, stream, name);
      if (exclusive && info != null && info.getNumWaiting() > 0) {
        throw new IllegalStateException("the durable subscription '" + options.durableName().get()
            + "' of namespace '" + context.namespace() + "' is open elsewhere (another store"
            + " instance or process is consuming it); a durable name has one consumer at a time:"
            + " close it there first, or, if that process died, open it again once the server"
            + " has dropped its pull requests (within " + PULL_EXPIRY.toSeconds() + " s)");
      }
      if (info == null) {
        write(jsm, stream, durableConfig(Math.max(1, start)), false);
      } else {
        ConsumerConfiguration found = info.getConsumerConfiguration();
        boolean unacked = info.getNumAckPending() > 0
            || info.getDelivered().getStreamSequence() > info.getAckFloor().getStreamSequence();
        boolean differs = !AetherStreams.durableFields(found)
            .equals(AetherStreams.durableFields(durableConfig(1)));
        if (differs || unacked) {
          // In place first: it keeps the position, and a user that may not change the durable
          // is refused here, before anything is deleted.
          boolean updated = updateInPlace(jsm, stream, found);
          if (unacked || !updated) {
            long resumeAt = Math.max(info.getAckFloor().getStreamSequence() + 1,
                found.getDeliverPolicy() == DeliverPolicy.ByStartSequence
                    ? found.getStartSequence() : 1);
            LOG.debug("recreating durable consumer '{}' to resume at position {}", name,
                resumeAt);
            jsm.deleteConsumer(stream, name);
            write(jsm, stream, durableConfig(resumeAt), false);
          }
        }
      }
      return log.streamContext().getConsumerContext(name);
    } catch (IOException e) {
      throw Failures.translate(e, context.connection(), context.api().timeout());
    } catch (JetStreamApiException e) {
      throw new Failures.ServerError(e.getErrorCode(), e.getApiErrorCode(),
          e.getErrorDescription());
    }
  }

  private static @Nullable ConsumerInfo consumerInfo(JetStreamManagement jsm, String stream,
      String name) throws IOException, JetStreamApiException {
    try {
      return jsm.getConsumerInfo(stream, name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == JetStreamErrors.CONSUMER_NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  /**
   * Sets the fields {@link AetherStreams#durableFields} compares on the existing durable; false
   * if the server cannot change them in place (an ack policy, a push consumer).
   */
  private boolean updateInPlace(JetStreamManagement jsm, String stream,
      ConsumerConfiguration found) throws IOException {
    ConsumerConfiguration wanted = durableConfig(1);
    ConsumerConfiguration update = ConsumerConfiguration.builder(found)
        .filterSubjects(wanted.getFilterSubjects())
        .ackWait(wanted.getAckWait())
        .maxAckPending(wanted.getMaxAckPending())
        .build();
    try {
      write(jsm, stream, update, true);
      return true;
    } catch (JetStreamApiException e) {
      LOG.debug("durable consumer '{}' cannot be updated in place: {}", found.getDurable(),
          e.getMessage());
      return false;
    }
  }

  /**
   * Creates or updates the durable; a refusal for lack of permission fails at once, saying the
   * provisioning role must do it.
   */
  private void write(JetStreamManagement jsm, String stream, ConsumerConfiguration config,
      boolean update) throws IOException, JetStreamApiException {
    PermissionViolations.Mark mark = PermissionViolations.mark(context.connection());
    try {
      if (update) {
        jsm.updateConsumer(stream, config);
      } else {
        jsm.addOrUpdateConsumer(stream, config);
      }
    } catch (IOException e) {
      String name = config.getDurable();
      List<String> subjects = new ArrayList<>(List.of(
          "$JS.API.CONSUMER.CREATE." + stream + "." + name,
          "$JS.API.CONSUMER.DURABLE.CREATE." + stream + "." + name));
      if (filters.size() == 1) {
        subjects.add("$JS.API.CONSUMER.CREATE." + stream + "." + name + "." + filters.get(0));
      }
      Optional<PermissionDeniedException> refused = mark.refusal((update ? "update" : "create")
          + " the durable consumer '" + name + "' of stream '" + stream + "'", remedy(name),
          subjects);
      if (refused.isPresent()) {
        throw refused.get();
      }
      throw e;
    }
  }

  private String remedy(String consumer) {
    String ns = context.namespace().name();
    String durable = options.durableName().orElseThrow();
    String types = options.eventTypes().isEmpty() ? ""
        : ":" + String.join(",", new TreeSet<>(options.eventTypes()));
    return "the durable consumer '" + consumer + "' is missing or differs from what this"
        + " subscription needs, and this user may not create or update it: the namespace's"
        + " PROVISIONING role must create it. Provision it with a provisioning-role user"
        + " (aether-admin provision --namespace " + ns + " --durable " + durable + types
        + " --apply, or aether-admin's Provisioner.Builder.durable), then subscribe again";
  }

  private ConsumerConfiguration durableConfig(long start) {
    return AetherStreams.durable(context.namespace(), options.durableName().orElseThrow(),
        options.eventTypes(), start);
  }

  // ---- delivery ----------------------------------------------------------------------------

  /**
   * Short pulls: jnats detects a lost consumer (after a leader change, or a creation that failed)
   * by missed idle heartbeats, whose interval is half the pull expiry; the default 30 s expiry
   * would leave a subscription silent for most of a minute.
   */
  static ConsumeOptions consumeOptions() {
    return ConsumeOptions.builder().batchSize(256).expiresIn(PULL_EXPIRY.toMillis()).build();
  }

  private void run() {
    IterableConsumer messages = null;
    try {
      meters = context.metrics().subscription(options.durableName().orElse(null));
      messages = consumer.iterate(consumeOptions());
      if (startFloor >= liveAt) {
        goLive();
      }
      while (!stopping) {
        Message message = messages.nextMessage(POLL);
        if (message == null) {
          ackPendingSync();
          messages = whenIdle(messages);
          continue;
        }
        if (stopping) {
          break;
        }
        lastProgress = System.nanoTime();
        deliver(message);
        if (!live && (lastPosition >= liveAt || message.metaData().pendingCount() == 0)) {
          goLive();
        }
      }
      ackPendingSync();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (HandlerFailure e) {
      ackPendingSync();
      failure = e.getCause();
      LOG.warn("subscription {} stopped: its handler failed at position {}", describe(),
          e.position, e.getCause());
    } catch (JetStreamStatusCheckedException | IOException | JetStreamApiException e) {
      failure = new StoreUnavailableException("subscription " + describe() + " lost its"
          + " consumer: " + e.getMessage(), e);
      LOG.warn("subscription {} stopped", describe(), e);
    } catch (RuntimeException e) {
      failure = e;
      LOG.warn("subscription {} stopped", describe(), e);
    } finally {
      if (messages != null) {
        try {
          messages.close();
        } catch (Exception e) {
          LOG.debug("closing the consumer of subscription {} failed", describe(), e);
        }
      }
      meters.close();
      running = false;
      onClosed.accept(this);
      liveLatch.countDown();
    }
  }

  private void deliver(Message message) {
    long position = message.metaData().streamSequence();
    if (position <= lastPosition) {
      ack(message);
      return;
    }
    Found found = log.decode(StoredMessage.of(message));
    Event event = found.event();
    Metadata carrier = Metadata.empty();
    if (event != null && context.tracing() != Tracing.none()) {
      // The trace context is in the metadata, which a stored event decodes lazily: with tracing
      // on, a malformed metadata header makes the message undecodable here, as it was before.
      try {
        carrier = event.metadata();
      } catch (DecodingException e) {
        found = new Found(found.message(), null, e);
        event = null;
      }
    }
    if (event != null) {
      Tracing.Operation span = context.tracing().startProcessing("aether.handle", carrier)
          .attribute("aether.namespace", context.namespace().name())
          .attribute("aether.subscription", options.durableName().orElse("(ephemeral)"))
          .attribute("aether.event.type", event.type())
          .attribute("aether.actor.id", event.actorId())
          .attribute("aether.position", position);
      try (Tracing.CurrentScope ignored = span.makeCurrent()) {
        handler.onEvent(event);
      } catch (Exception | Error e) {
        span.failed(e);
        throw new HandlerFailure(position, e);
      } finally {
        span.end();
      }
    } else {
      LOG.warn("subscription {} skips an undecodable message: {}", describe(),
          found.decodingError().getMessage());
      try {
        handler.onUndecodable(found.undecodable());
      } catch (RuntimeException | Error e) {
        throw new HandlerFailure(position, e);
      }
    }
    lastPosition = position;
    meters.handled(position, message);
    ack(message);
  }

  /**
   * Acks the previous message and holds this one back: it is acked with the next message, or
   * synchronously when the subscription is idle or closes, so a reopened durable subscription
   * sees every handled event acked.
   */
  private void ack(Message message) {
    if (options.durableName().isEmpty()) {
      return;
    }
    if (unacked != null) {
      unacked.ack();
    }
    unacked = message;
  }

  private void ackPendingSync() {
    if (unacked == null) {
      return;
    }
    Message pending = unacked;
    unacked = null;
    try {
      pending.ackSync(context.api().timeout());
    } catch (TimeoutException e) {
      LOG.debug("acknowledgement of position {} timed out; it may be delivered again",
          pending.metaData().streamSequence());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Decides, while no message arrives, whether the subscription has caught up, and whether its
   * consumer is stuck: a consumer that reports pending messages but delivers none for a while is
   * reopened after the last handled event. jnats recovers lost consumers itself through missed
   * heartbeats; this is the backstop (observed, rarely, for new ordered consumers on R3 streams).
   */
  private IterableConsumer whenIdle(IterableConsumer messages)
      throws IOException, JetStreamApiException {
    long idle = System.nanoTime() - lastProgress;
    if (live && idle < STALL_CHECK_LIVE.toNanos()) {
      return messages;
    }
    if (!live && lastPosition >= liveAt) {
      goLive();
      return messages;
    }
    long pending = pending(messages);
    if (!live && pending == 0) {
      goLive();
    }
    Duration patience = live ? STALL_CHECK_LIVE : STALL_CHECK_CATCHING_UP;
    if (pending > 0 && idle >= patience.toNanos() && !stopping) {
      lastProgress = System.nanoTime();
      return reopen(messages);
    }
    if (live) {
      lastProgress = System.nanoTime();
    }
    return messages;
  }

  /** The consumer's pending count; -1 if unknown, {@code Long.MAX_VALUE} if it is gone. */
  private long pending(IterableConsumer messages) {
    try {
      return messages.getConsumerInfo().getNumPending();
    } catch (JetStreamApiException e) {
      return e.getApiErrorCode() == JetStreamErrors.CONSUMER_NOT_FOUND ? Long.MAX_VALUE : -1;
    } catch (IOException | RuntimeException e) {
      LOG.debug("cannot read the consumer of subscription {}", describe(), e);
      return -1;
    }
  }

  private IterableConsumer reopen(IterableConsumer stalled)
      throws IOException, JetStreamApiException {
    LOG.warn("subscription {} receives nothing while events are pending; reopening its"
        + " consumer after position {}", describe(), lastPosition);
    ackPendingSync();
    try {
      stalled.close();
    } catch (Exception e) {
      LOG.debug("closing the stalled consumer of subscription {} failed", describe(), e);
    }
    long from = Math.max(start, lastPosition + 1);
    consumer = context.call("reopen a subscription", () -> CompletableFuture
        .completedFuture(openConsumer(from, false)));
    return consumer.iterate(consumeOptions());
  }

  private void goLive() {
    live = true;
    try {
      handler.onLive();
    } catch (RuntimeException | Error e) {
      throw new HandlerFailure(lastPosition, e);
    }
    liveLatch.countDown();
  }

  private String describe() {
    return options.durableName().map(n -> "'" + n + "'").orElse("(ephemeral)") + " of namespace '"
        + context.namespace() + "'";
  }

  private static final class HandlerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long position;

    HandlerFailure(long position, Throwable cause) {
      super(cause);
      this.position = position;
    }
  }

  // ---- EventSubscription --------------------------------------------------------------------

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
    return live && running;
  }

  @Override
  public boolean awaitLive(Duration timeout) throws InterruptedException {
    liveLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    return isLive();
  }

  @Override
  public boolean isActive() {
    return running && !stopping;
  }

  /** The position of the last event handled (0 before the first); any thread. */
  long handledPosition() {
    return lastPosition;
  }

  /** The durable name, or the thread's name for an ephemeral subscription: unique per store. */
  String label() {
    return options.durableName().orElse(thread.getName());
  }

  @Override
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stopping = true;
    if (Thread.currentThread() != thread && thread.isAlive()) {
      try {
        thread.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        LOG.warn("subscription {} did not stop within {} ms; its handler is still running",
            describe(), CLOSE_WAIT.toMillis());
      }
    }
    onClosed.accept(this);
  }
}
