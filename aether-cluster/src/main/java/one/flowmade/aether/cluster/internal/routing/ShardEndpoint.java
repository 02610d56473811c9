package one.flowmade.aether.cluster.internal.routing;

import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.Subscription;
import io.nats.client.impl.Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import one.flowmade.aether.cluster.ActorMessageHandler;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ShardLostException;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.ownership.ShardGate;
import one.flowmade.aether.nats.TokenEncoding;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of {@link one.flowmade.aether.cluster.ClusterRouter}s for the shards this
 * node owns: one subscription per owned shard on the node's dispatcher, each request passed
 * through the shard's {@link ShardGate} to the message handler (on the handler executor if there
 * is one), and the reply with its status header. Without a message handler it does nothing.
 *
 * <p>A router sends a request again when an attempt got no reply in its attempt timeout, also when
 * the handler is merely slow (or the request waits for its turn, as a hosted actor's command
 * does). An attempt whose {@link RoutingProtocol#REQUEST_ID_HEADER request id} is running here
 * already does not run again: the running one's reply is sent to it too, and so is the reply of
 * one answered here in the last {@link #KEEP_ANSWERED 2 s} (the router may have given up on the
 * attempt just before its reply came). An attempt that arrives later, or at another node, runs
 * again: delivery stays at least once.
 *
 * <p>It is also the node's {@link LocalRoute}: with a handler executor, the node's own router runs
 * a request for a shard served here through the same gate and on the same executor, without
 * sending it through nats-server; such a request is never sent twice, so it needs no request id.
 *
 * <p>Thread-safe: subscriptions change on the events thread; requests run on the NATS dispatcher
 * thread or the handler executor.
 */
public final class ShardEndpoint implements LocalRoute {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final NodeContext node;
  private final Settings settings;
  private final Sharding sharding;
  private final String nodeId;
  private final String subjectPrefix;
  /** Null on a node without a message handler (and before {@link #open()}). */
  private volatile @Nullable Dispatcher dispatcher;
  /** The gate of each shard served here, by shard; null where none is. */
  private final AtomicReferenceArray<ShardGate> served;
  /**
   * The local requests running here; each is removed by whoever answers it first, its handler or
   * {@link #expireLocal()} once its deadline has passed. A sweep every {@link #EXPIRY_MILLIS}
   * instead of a timer per request: a timer wakes a thread for every request.
   */
  private final Set<LocalRequest> local = ConcurrentHashMap.newKeySet();
  /** The sweep of local requests; null without a handler executor (and before open()). */
  private volatile @Nullable ScheduledFuture<?> expiry;
  private static final long EXPIRY_MILLIS = 100;
  /**
   * The requests running here (waiting for the handler executor or in the handler) and those
   * answered in the last {@link #KEEP_ANSWERED}, by subject and request id.
   */
  private final ConcurrentHashMap<String, Request> requests = new ConcurrentHashMap<>();
  /** The answered requests in the order they were answered, to forget them after a while. */
  private final ConcurrentLinkedQueue<Answered> answered = new ConcurrentLinkedQueue<>();

  /**
   * How long an answered request's reply is kept for a later attempt of it. An attempt the router
   * gave up on just before the reply reached it is sent again after at most its backoff (500 ms)
   * and the trip here; the kept reply answers it instead of running the request twice.
   */
  static final long KEEP_ANSWERED = TimeUnit.SECONDS.toNanos(2);

  /**
   * Creates the endpoint of a node.
   *
   * @param node the node
   */
  public ShardEndpoint(NodeContext node) {
    this.node = node;
    this.settings = node.settings();
    this.sharding = node.sharding();
    this.nodeId = node.nodeId();
    this.subjectPrefix = RoutingProtocol.subjectPrefix(settings.clusterName());
    this.served = new AtomicReferenceArray<>(sharding.shardCount());
  }

  /** Creates the dispatcher if the node has a message handler. */
  public void open() {
    if (settings.messageHandler() != null) {
      dispatcher = node.store().connection().createDispatcher();
      if (settings.handlerExecutor() != null) {
        expiry = node.membershipThread().scheduleWithFixedDelay(
            () -> node.guard("local request deadlines", this::expireLocal), EXPIRY_MILLIS,
            EXPIRY_MILLIS, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** Closes the dispatcher, and with it every shard's subscription. Quiet. */
  public void close() {
    ScheduledFuture<?> sweep = expiry;
    if (sweep != null) {
      sweep.cancel(false);
    }
    for (int s = 0; s < served.length(); s++) {
      served.set(s, null);
    }
    answered.clear();
    requests.clear();
    Dispatcher d = dispatcher;
    if (d != null) {
      try {
        node.store().connection().closeDispatcher(d);
      } catch (RuntimeException e) {
        LOG.debug("node {}: closing the dispatcher failed", nodeId, e);
      }
    }
  }

  /**
   * Subscribes to a shard this node has acquired; a failure is logged.
   *
   * @param gate the shard's gate, which keeps the subscription
   */
  public void serve(ShardGate gate) {
    Dispatcher d = dispatcher;
    // There is a dispatcher only with a handler (open()).
    ActorMessageHandler handler = settings.messageHandler();
    if (d != null && handler != null) {
      int s = gate.shard();
      served.set(s, gate);
      try {
        gate.subscription(d.subscribe(subjectPrefix + s + ".*",
            message -> onRequest(gate, handler, message)));
      } catch (RuntimeException e) {
        LOG.warn("node {}: could not subscribe to shard {}: {}", nodeId, s, e.toString());
      }
    }
  }

  /**
   * Unsubscribes from a shard this node has released (its gate closed).
   *
   * @param gate the shard's gate
   */
  public void stopServing(ShardGate gate) {
    served.compareAndSet(gate.shard(), gate, null);
    Subscription subscription = gate.subscription();
    Dispatcher d = dispatcher;
    if (subscription != null && d != null) {
      try {
        d.unsubscribe(subscription);
      } catch (RuntimeException e) {
        LOG.debug("node {}: unsubscribing shard {} failed: {}", nodeId, gate.shard(),
            e.toString());
      }
    }
  }

  /** @return the message handler's name, for the log of a shard that did not drain */
  public String handlerName() {
    Object handler = settings.messageHandler();
    return handler == null ? "no message handler"
        : "message handler " + handler.getClass().getName();
  }

  private void onRequest(ShardGate gate, ActorMessageHandler handler, Message message) {
    String key = requestKey(message);
    if (key != null && joinRunning(key, message)) {
      return; // an earlier attempt of the same request runs here: its reply answers this one
    }
    if (!gate.enter()) {
      finish(key, message, RoutingProtocol.STATUS_MOVED, null, null);
      return;
    }
    Runnable work = () -> {
      gate.running();
      try {
        String subject = message.getSubject();
        String actorId = TokenEncoding.decode(subject.substring(subject.lastIndexOf('.') + 1));
        if (sharding.shardOf(actorId) != gate.shard()) {
          finish(key, message, RoutingProtocol.STATUS_FAILED, null, "actor '" + actorId
              + "' is not in shard " + gate.shard() + " of a cluster with "
              + sharding.shardCount() + " shards; does the sender use another shard count?");
          return;
        }
        byte[] result = handler.handle(actorId, message.getData(), gate);
        finish(key, message, RoutingProtocol.STATUS_OK, result, null);
      } catch (ShardLostException e) {
        // The handler found the shard lost while it ran: the router sends it to the new owner.
        finish(key, message, RoutingProtocol.STATUS_MOVED, null, null);
      } catch (Exception e) {
        finish(key, message, RoutingProtocol.STATUS_FAILED, null, e.getClass().getName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      } catch (Error e) {
        if (key != null) {
          requests.remove(key); // no reply, as before: the router tries again
        }
        throw e;
      } finally {
        gate.finished();
        gate.exit();
      }
    };
    Executor executor = settings.handlerExecutor();
    if (executor == null) {
      work.run();
      return;
    }
    try {
      executor.execute(work);
    } catch (RejectedExecutionException e) {
      gate.exit();
      finish(key, message, RoutingProtocol.STATUS_MOVED, null, null);
    }
  }

  @Override
  public boolean tryRun(int shard, String actorId, byte[] payload, long deadline,
      LocalRoute.Answer answer) {
    Executor executor = settings.handlerExecutor();
    // A gate is served only on a node with a handler (serve).
    ActorMessageHandler handler = settings.messageHandler();
    ShardGate gate = shard < served.length() ? served.get(shard) : null;
    // Without an executor the handler runs one request at a time on the dispatcher thread; a
    // local caller must not run it beside that, so such a node sends to itself over NATS.
    if (executor == null || handler == null || gate == null || !gate.enter()) {
      return false;
    }
    LocalRequest request = new LocalRequest(answer, deadline);
    local.add(request);
    Runnable work = () -> {
      gate.running();
      try {
        byte[] result = handler.handle(actorId, payload, gate);
        request.answer(RoutingProtocol.STATUS_OK, result == null ? new byte[0] : result, null);
      } catch (ShardLostException e) {
        request.answer(RoutingProtocol.STATUS_MOVED, null, null);
      } catch (Exception e) {
        request.answer(RoutingProtocol.STATUS_FAILED, null, e.getClass().getName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      } catch (Error e) {
        request.answer(RoutingProtocol.STATUS_FAILED, null, e.getClass().getName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        throw e;
      } finally {
        gate.finished();
        gate.exit();
      }
    };
    try {
      executor.execute(work);
    } catch (RejectedExecutionException e) {
      gate.exit();
      request.answer(RoutingProtocol.STATUS_MOVED, null, null);
    }
    return true;
  }

  /** Tells the local requests whose deadline has passed, once each, that they expired. */
  private void expireLocal() {
    long now = System.nanoTime();
    for (LocalRequest request : local) {
      if (now - request.deadline >= 0 && local.remove(request)) {
        request.answer.expired();
      }
    }
  }

  /** A request of this node's router running here. */
  private final class LocalRequest {
    final LocalRoute.Answer answer;
    final long deadline;

    LocalRequest(LocalRoute.Answer answer, long deadline) {
      this.answer = answer;
      this.deadline = deadline;
    }

    /** Answers the request unless it has expired. */
    void answer(String status, byte @Nullable [] body, @Nullable String error) {
      if (local.remove(this)) {
        answer.answered(status, body, error, nodeId);
      }
    }
  }

  /**
   * The key of a request that carries a request id: its subject (shard and actor) and the id; null
   * without an id (a router older than the header) or without a reply subject.
   */
  private static @Nullable String requestKey(Message message) {
    Headers headers = message.getHeaders();
    String id = headers == null ? null : headers.getFirst(RoutingProtocol.REQUEST_ID_HEADER);
    return id == null || message.getReplyTo() == null ? null : message.getSubject() + ' ' + id;
  }

  /**
   * Registers a request as running here and returns false; or, if an earlier attempt of it runs
   * here now, adds this attempt's reply subject to that one's, or, if it was answered lately,
   * sends this attempt that answer, and returns true.
   */
  private boolean joinRunning(String key, Message message) {
    forgetOldAnswers();
    Request[] earlier = {null};
    requests.compute(key, (k, request) -> {
      if (request == null) {
        return new Request();
      }
      if (request.answer == null) {
        request.waiting.add(message.getReplyTo());
      }
      earlier[0] = request;
      return request;
    });
    Reply answer = earlier[0] == null ? null : earlier[0].answer;
    if (answer != null) {
      reply(message.getReplyTo(), answer.status, answer.body, answer.error);
    }
    return earlier[0] != null;
  }

  /**
   * Replies to a request and to the later attempts of it that arrived while it ran. Its answer is
   * kept for {@link #KEEP_ANSWERED} for attempts still to come, unless it was "moved" (an attempt
   * that comes later runs again, here or at the new owner).
   */
  private void finish(@Nullable String key, Message request, String status,
      byte @Nullable [] body, @Nullable String error) {
    reply(request.getReplyTo(), status, body, error);
    if (key == null) {
      return;
    }
    Reply answer = new Reply(status, body, error);
    boolean keep = !RoutingProtocol.STATUS_MOVED.equals(status);
    List<String> waiting = new ArrayList<>();
    requests.computeIfPresent(key, (k, r) -> {
      waiting.addAll(r.waiting);
      r.waiting.clear();
      r.answer = answer;
      return keep ? r : null;
    });
    if (keep) {
      answered.add(new Answered(key, System.nanoTime() + KEEP_ANSWERED));
    }
    for (String replyTo : waiting) {
      reply(replyTo, status, body, error);
    }
  }

  /** Forgets the answers kept longer than {@link #KEEP_ANSWERED}. */
  private void forgetOldAnswers() {
    long now = System.nanoTime();
    for (Answered a = answered.peek(); a != null && now - a.forgetAt() >= 0; a = answered.peek()) {
      if (answered.remove(a)) {
        requests.computeIfPresent(a.key(), (k, r) -> r.answer != null ? null : r);
      }
    }
  }

  /** A request running or answered here: the reply subjects of its later attempts, its answer. */
  private static final class Request {
    final List<String> waiting = new ArrayList<>(1);
    @Nullable Reply answer;
  }

  private record Reply(String status, byte @Nullable [] body, @Nullable String error) {}

  private record Answered(String key, long forgetAt) {}

  private void reply(@Nullable String replyTo, String status, byte @Nullable [] body,
      @Nullable String error) {
    if (replyTo == null) {
      return;
    }
    Headers headers = new Headers()
        .add(RoutingProtocol.STATUS_HEADER, status)
        .add(RoutingProtocol.NODE_HEADER, nodeId);
    if (error != null) {
      headers.add(RoutingProtocol.ERROR_HEADER, error.replace('\n', ' ').replace('\r', ' '));
    }
    try {
      node.store().connection().publish(replyTo, headers, body == null ? new byte[0] : body);
    } catch (RuntimeException e) {
      LOG.debug("node {}: could not reply: {}", nodeId, e.toString());
    }
  }
}
