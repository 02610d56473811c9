package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import one.flowmade.aether.AppendOutcomeUnknownException;
import one.flowmade.aether.AppendResult;
import one.flowmade.aether.Event;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.StoreUnavailableException;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Appends whose outcome the store cannot learn: the server is paused (SIGSTOP), so the publish
 * reaches its socket but no answer comes. The store reports {@link AppendOutcomeUnknownException};
 * when the server runs again it stores the buffered publish, and retrying the same append returns
 * the original result without storing anything twice.
 */
final class UnknownOutcomeIT {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  private Connection connection;
  private JetStreamEventStore store;

  @BeforeEach
  void open() {
    connection = NATS.connect();
    store = JetStreamEventStore.builder(connection, Namespace.of("unknown-" + System.nanoTime()))
        .requestTimeout(Duration.ofMillis(300))
        .retryBudget(new RetryBudget(Duration.ofMillis(1500), Duration.ofMillis(10),
            Duration.ofMillis(100)))
        .build();
  }

  @AfterEach
  void close() throws InterruptedException {
    store.close();
    connection.close();
  }

  @Test
  void singleEvent_serverPaused_isReportedUnknown_andTheRetryStoresItOnce() {
    NewEvent first = NewEvent.of("A", Payload.json("{}"));
    NewEvent second = NewEvent.of("B", Payload.json("{}"));
    store.append("order-1", ExpectedVersion.noStream(), first);

    NATS.server().pause();
    try {
      assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.exactly(1), second))
          .isInstanceOf(AppendOutcomeUnknownException.class)
          .hasMessageContaining(second.id())
          .hasMessageContaining("retrying the same append");
    } finally {
      NATS.server().resume();
    }
    AppendResult retry = store.append("order-1", ExpectedVersion.exactly(1), second);

    assertThat(retry).isEqualTo(new AppendResult("order-1", 2, 2, 2, 2));
    assertThat(store.read("order-1", 1).events()).extracting(Event::id)
        .containsExactly(first.id(), second.id());
    assertThat(store.lastPosition()).isEqualTo(2);
  }

  @Test
  void atomicBatch_serverPaused_isReportedUnknown_andTheRetryStoresItOnce() {
    List<NewEvent> batch = IntStream.range(0, 3)
        .mapToObj(i -> NewEvent.of("T", Payload.json("{\"i\":" + i + "}"))).toList();
    NewEvent first = NewEvent.of("A", Payload.json("{}"));
    store.append("order-1", ExpectedVersion.noStream(), first);

    NATS.server().pause();
    try {
      assertThatThrownBy(() -> store.append("order-1", ExpectedVersion.any(), batch))
          .isInstanceOf(AppendOutcomeUnknownException.class);
    } finally {
      NATS.server().resume();
    }
    AppendResult retry = store.append("order-1", ExpectedVersion.any(), batch);

    assertThat(retry).isEqualTo(new AppendResult("order-1", 2, 4, 2, 4));
    assertThat(store.read("order-1", 2).events()).extracting(Event::id)
        .containsExactlyElementsOf(batch.stream().map(NewEvent::id).toList());
    assertThat(store.lastPosition()).isEqualTo(4);
  }

  @Test
  void newActor_serverPaused_failsAsUnavailable_becauseNothingWasSent() {
    NATS.server().pause();
    try {
      assertThatThrownBy(() -> store.append("order-9", ExpectedVersion.any(),
          NewEvent.of("A", Payload.json("{}"))))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("nothing was stored");
    } finally {
      NATS.server().resume();
    }
  }

  @Test
  void reads_serverPaused_failAsUnavailableAfterTheBudget() {
    NATS.server().pause();
    try {
      assertThatThrownBy(() -> store.latestVersion("order-1"))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("1500 ms");
    } finally {
      NATS.server().resume();
    }
    assertThat(store.latestVersion("order-1")).isZero();
  }
}
