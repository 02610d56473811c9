package one.flowmade.aether.cluster.internal.routing;

import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import one.flowmade.aether.cluster.ClusterNode;
import one.flowmade.aether.cluster.ShardLostException;
import one.flowmade.aether.cluster.Sharding;
import one.flowmade.aether.cluster.internal.NodeContext;
import one.flowmade.aether.cluster.internal.Settings;
import one.flowmade.aether.cluster.internal.ownership.ShardGate;
import one.flowmade.aether.nats.TokenEncoding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of {@link one.flowmade.aether.cluster.ClusterRouter}s for the shards this
 * node owns: one subscription per owned shard on the node's dispatcher, each request passed
 * through the shard's {@link ShardGate} to the message handler (on the handler executor if there
 * is one), and the reply with its status header. Without a message handler it does nothing.
 *
 * <p>Thread-safe: subscriptions change on the events thread; requests run on the NATS dispatcher
 * thread or the handler executor.
 */
public final class ShardEndpoint {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

  private final NodeContext node;
  private final Settings settings;
  private final Sharding sharding;
  private final String nodeId;
  private final String subjectPrefix;
  private volatile Dispatcher dispatcher;

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
  }

  /** Creates the dispatcher if the node has a message handler. */
  public void open() {
    if (settings.messageHandler() != null) {
      dispatcher = node.store().connection().createDispatcher();
    }
  }

  /** Closes the dispatcher, and with it every shard's subscription. Quiet. */
  public void close() {
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
    if (dispatcher != null) {
      int s = gate.shard();
      try {
        gate.subscription(dispatcher.subscribe(subjectPrefix + s + ".*",
            message -> onRequest(gate, message)));
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
    if (gate.subscription() != null && dispatcher != null) {
      try {
        dispatcher.unsubscribe(gate.subscription());
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

  private void onRequest(ShardGate gate, Message message) {
    if (!gate.enter()) {
      reply(message, RoutingProtocol.STATUS_MOVED, null, null);
      return;
    }
    Runnable work = () -> {
      gate.running();
      try {
        String subject = message.getSubject();
        String actorId = TokenEncoding.decode(subject.substring(subject.lastIndexOf('.') + 1));
        if (sharding.shardOf(actorId) != gate.shard()) {
          reply(message, RoutingProtocol.STATUS_FAILED, null, "actor '" + actorId
              + "' is not in shard " + gate.shard() + " of a cluster with "
              + sharding.shardCount() + " shards; does the sender use another shard count?");
          return;
        }
        byte[] result = settings.messageHandler().handle(actorId, message.getData(), gate);
        reply(message, RoutingProtocol.STATUS_OK, result, null);
      } catch (ShardLostException e) {
        // The handler found the shard lost while it ran: the router sends it to the new owner.
        reply(message, RoutingProtocol.STATUS_MOVED, null, null);
      } catch (Exception e) {
        reply(message, RoutingProtocol.STATUS_FAILED, null, e.getClass().getName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
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
      reply(message, RoutingProtocol.STATUS_MOVED, null, null);
    }
  }

  private void reply(Message request, String status, byte[] body, String error) {
    String replyTo = request.getReplyTo();
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
