package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One private inbox subscription ({@code <inbox>.*}, on its own jnats dispatcher thread) whose
 * replies are routed to the request that registered them: by subject (the replies of batched
 * direct gets, a pull request's statuses), or, for a consumer's deliveries (which carry the
 * stream's subject and a {@code $JS.ACK.} reply subject naming the consumer), by consumer name.
 * Subscribed on first use. Thread-safe; {@link #close()} fails every registered receiver and stops
 * the subscription.
 */
final class ReplyInbox implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplyInbox.class);

  /** Takes the messages sent to one reply subject; called on the dispatcher thread only. */
  interface Receiver {
    /** A message arrived on the receiver's subject. */
    void onMessage(Message message);

    /** The inbox closed: no message will come. */
    void closed(RuntimeException why);
  }

  private static final String ACK = "$JS.ACK.";

  private final Connection connection;
  private final String stream;
  private final Map<String, Receiver> receivers = new ConcurrentHashMap<>();
  private final AtomicLong replies = new AtomicLong();
  /** The consumers reading now: few (one per long read in progress). */
  private final List<ConsumerRoute> consumers = new CopyOnWriteArrayList<>();
  private @Nullable String inbox;
  private @Nullable Dispatcher dispatcher;
  private boolean closed;

  ReplyInbox(Connection connection, String stream) {
    this.connection = connection;
    this.stream = stream;
  }

  Connection connection() {
    return connection;
  }

  /**
   * Registers a receiver under a new reply subject and returns it.
   *
   * @throws IllegalStateException if the inbox is closed
   */
  String register(Receiver receiver) {
    String reply = prefix() + "." + replies.incrementAndGet();
    receivers.put(reply, receiver);
    return reply;
  }

  /**
   * Returns the inbox subject a pull consumer's deliveries must be sent to and registers a
   * receiver for every delivery of consumer {@code name} that arrives on the inbox.
   *
   * @throws IllegalStateException if the inbox is closed
   */
  String registerConsumer(String name, Receiver receiver) {
    String prefix = prefix();
    receivers.put(ACK + name, receiver);
    consumers.add(new ConsumerRoute(ACK + stream + "." + name + ".", name, receiver));
    return prefix;
  }

  /** Drops a receiver; messages still arriving on its subject are discarded. */
  void unregister(String reply) {
    receivers.remove(reply);
  }

  /** Drops a consumer's receiver; its deliveries still arriving are discarded. */
  void unregisterConsumer(String name) {
    receivers.remove(ACK + name);
    consumers.removeIf(route -> route.name.equals(name));
  }

  /** A consumer's deliveries, found by the start of their ack subject without parsing it. */
  private record ConsumerRoute(String ackPrefix, String name, Receiver receiver) {}

  private synchronized String prefix() {
    if (closed) {
      throw new IllegalStateException("the reads of stream '" + stream + "' are closed");
    }
    String current = inbox;
    if (current == null) {
      current = connection.createInbox();
      Dispatcher replies = connection.createDispatcher(this::onMessage);
      dispatcher = replies;
      replies.subscribe(current + ".*");
      inbox = current;
    }
    return current;
  }

  private void onMessage(Message message) {
    String reply = message.getReplyTo();
    String key = message.getSubject();
    if (reply != null && reply.startsWith(ACK)) {
      for (ConsumerRoute route : consumers) {
        if (reply.startsWith(route.ackPrefix)) {
          route.receiver.onMessage(message);
          return;
        }
      }
      key = ACK + consumer(reply); // an ack subject with a domain and account
    }
    Receiver receiver = receivers.get(key);
    if (receiver != null) {
      receiver.onMessage(message);
    }
  }

  /**
   * The consumer named by an ack subject: {@code $JS.ACK.<stream>.<consumer>.…} with nine tokens,
   * {@code $JS.ACK.<domain>.<account hash>.<stream>.<consumer>.…} otherwise.
   */
  static String consumer(String ack) {
    int index = ConsumerFeed.tokens(ack) == 9 ? 3 : 5;
    int start = 0;
    for (int i = 0; i < index; i++) {
      start = ack.indexOf('.', start) + 1;
    }
    int end = ack.indexOf('.', start);
    return end < 0 ? ack.substring(start) : ack.substring(start, end);
  }

  @Override
  public void close() {
    List<Receiver> waiting;
    Dispatcher current;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      waiting = new ArrayList<>(receivers.values());
      receivers.clear();
      consumers.clear();
      current = dispatcher;
    }
    // Outside the lock: a receiver takes its own lock, and may register while holding it.
    IllegalStateException why = new IllegalStateException("the store is closed");
    waiting.forEach(r -> r.closed(why));
    if (current != null) {
      try {
        connection.closeDispatcher(current);
      } catch (RuntimeException e) {
        LOG.debug("closing the reply dispatcher failed", e);
      }
    }
  }
}
