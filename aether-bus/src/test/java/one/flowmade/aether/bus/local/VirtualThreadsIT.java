package one.flowmade.aether.bus.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A factory of virtual threads, given to the JetStream store and the local bus, makes their
 * threads virtual, named by Aether. Virtual threads exist from Java 21; the project compiles for
 * 17, so the factory is obtained by reflection. The {@code virtual-threads} profile of this module
 * runs this class in a forked JDK 25 during {@code mvn verify}; on the default JDK 17 it is
 * reported skipped.
 */
@EnabledForJreRange(min = JRE.JAVA_21)
final class VirtualThreadsIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  @Test
  void virtualThreadFactory_storeAndBusRunOnNamedVirtualThreads() throws Exception {
    Namespace namespace = Namespace.of("virtual-" + System.nanoTime());
    Map<String, Boolean> handlerThreads = new ConcurrentHashMap<>();
    try (Connection connection = NATS.connect();
        JetStreamEventStore store = JetStreamEventStore.builder(connection, namespace)
            .threadFactory(virtualThreads()).build();
        LocalEventBus bus = LocalEventBus.builder().threadFactory(virtualThreads()).build()) {
      bus.subscribe(namespace, event -> handlerThreads.put(Thread.currentThread().getName(),
          isVirtual(Thread.currentThread())));
      Map<String, Boolean> completionThreads = new ConcurrentHashMap<>();
      try (EventSubscription subscription = store.subscribe(SubscriptionOptions.fromBeginning(),
          event -> handlerThreads.put(Thread.currentThread().getName(),
              isVirtual(Thread.currentThread())))) {
        // Many concurrent appends so that the store's workers and timer are used too.
        List<java.util.concurrent.CompletableFuture<AppendResult>> appends =
            new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
          appends.add(store.appendAsync("a-" + i, ExpectedVersion.noStream(),
              List.of(NewEvent.of("T", Payload.empty())))
              .whenComplete((r, e) -> completionThreads.put(Thread.currentThread().getName(),
                  isVirtual(Thread.currentThread()))));
        }
        for (var append : appends) {
          append.get();
        }
        bus.publish(BusEvent.of(namespace, "b", "T", Payload.empty()));
        await().atMost(WAIT).until(() -> handlerThreads.size() == 2);
      }
      assertThat(handlerThreads).doesNotContainValue(false);
      assertThat(handlerThreads.keySet()).anyMatch(name ->
          name.equals("aether-sub-" + namespace.name() + "-ephemeral-1"));
      assertThat(handlerThreads.keySet()).anyMatch(name -> name.startsWith("aether-bus-local-"));
      // Completions run on the store's threads (or the caller's, if already complete).
      assertThat(completionThreads.entrySet()).allSatisfy(thread -> {
        if (thread.getKey().startsWith("aether-")) {
          assertThat(thread.getValue()).as(thread.getKey()).isTrue();
        }
      });
    }
  }

  private static ThreadFactory virtualThreads() throws ReflectiveOperationException {
    Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
    return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory")
        .invoke(builder);
  }

  private static boolean isVirtual(Thread thread) {
    try {
      return (Boolean) Thread.class.getMethod("isVirtual").invoke(thread);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
