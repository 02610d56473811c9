package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import io.nats.client.Message;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the store does its work: an atomic batch is published from the store's own worker
 * threads, never from a jnats thread that completed a reply (jnats delivers every reply on
 * the same few threads, so blocking one stalls every request of the connection).
 */
final class AppendThreadsIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private static Connection connection;

  @BeforeAll
  static void connect() {
    connection = NATS.connect();
  }

  @AfterAll
  static void disconnect() throws InterruptedException {
    connection.close();
  }

  @Test
  void batchPublishes_runOnTheStoresWorkerThreads_notOnNatsCallbackThreads() {
    Queue<String> publishingThreads = new ConcurrentLinkedQueue<>();
    Connection recording = recordingPublishes(connection, publishingThreads);
    Namespace namespace = Namespace.of("t" + Long.toString(
        ThreadLocalRandom.current().nextLong(1L << 40), 36));
    try (JetStreamEventStore store = JetStreamEventStore.builder(recording, namespace).build()) {
      List<AppendResult> results = new ArrayList<>();
      for (int actor = 0; actor < 5; actor++) {
        // A new actor is not in the expectation cache: the store reads its end first, and the
        // reply to that read arrives on a jnats thread.
        results.add(store.append("order-" + actor, ExpectedVersion.any(), List.of(
            NewEvent.of("A", Payload.json("{}")), NewEvent.of("B", Payload.json("{}")),
            NewEvent.of("C", Payload.json("{}")))));
      }

      assertThat(results).allSatisfy(r -> assertThat(r.lastVersion()).isEqualTo(3));
      assertThat(publishingThreads).hasSize(10).allSatisfy(thread ->
          assertThat(thread).startsWith("aether-event-store-" + namespace.name() + "-worker-"));
    }
  }

  /** The real connection, recording the thread of every plain publish. */
  private static Connection recordingPublishes(Connection real, Queue<String> threads) {
    InvocationHandler handler = (proxy, method, args) -> {
      if (method.getName().equals("publish") && args != null && args.length == 1
          && args[0] instanceof Message) {
        threads.add(Thread.currentThread().getName());
      }
      try {
        return method.invoke(real, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
        new Class<?>[] {Connection.class}, handler);
  }
}
