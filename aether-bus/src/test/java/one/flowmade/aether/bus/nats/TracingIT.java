package one.flowmade.aether.bus.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.api.MessageInfo;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import one.flowmade.aether.Event;
import one.flowmade.aether.EventSubscription;
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.SubscriptionOptions;
import one.flowmade.aether.actor.ActorModel;
import one.flowmade.aether.actor.ActorRepository;
import one.flowmade.aether.bus.BusEvent;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One trace from a command through the append and the stored event to every handler, on a real
 * server: W3C trace context travels in the events' metadata as the CloudEvents distributed-tracing
 * extension ({@code ce-traceparent}), recorded with the OpenTelemetry SDK's in-memory exporter.
 */
final class TracingIT {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode();

  record Added(int amount) {}

  record Total(long sum) {}

  static final ActorModel<Total, Added> MODEL = new ActorModel<>() {
    @Override
    public Total initialState(String actorId) {
      return new Total(0);
    }

    @Override
    public Total apply(Total state, Added event) {
      return new Total(state.sum() + event.amount());
    }
  };

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  // No propagators configured: the events must carry W3C trace context all the same.
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.noop())
      .build();
  private Connection connection;
  private JetStreamEventStore store;
  private NatsEventBus bus;

  @BeforeEach
  void open() {
    connection = NATS.connect();
  }

  @AfterEach
  void close() throws InterruptedException {
    if (bus != null) {
      bus.close();
    }
    if (store != null) {
      store.close();
    }
    connection.close();
    otel.close();
  }

  @Test
  void command_appendStoredEventAndEveryHandler_areOneTrace() throws Exception {
    Namespace namespace = Namespace.of("traced-" + System.nanoTime());
    store = JetStreamEventStore.builder(connection, namespace).openTelemetry(otel).build();
    bus = NatsEventBus.builder(NATS.connect()).openTelemetry(otel).build();
    ActorRepository<Total, Added> totals = ActorRepository.builder(MODEL, Added.class)
        .eventStore(store)
        .codec(JacksonEventCodec.builder().register(Added.class).build())
        .openTelemetry(otel)
        .build();
    List<Event> handled = new CopyOnWriteArrayList<>();
    List<BusEvent> busHandled = new CopyOnWriteArrayList<>();
    bus.subscribe(namespace, busHandled::add);
    try (EventSubscription subscription = store.subscribe(
        SubscriptionOptions.fromBeginning(), handled::add)) {

      totals.execute("acc-1", total -> List.of(new Added(5)));

      await().atMost(WAIT).until(() -> handled.size() == 1 && busHandled.size() == 1
          && spans("aether.handle").size() == 2);
    }

    SpanData command = only("aether.actor.command");
    SpanData append = only("aether.append");
    String traceId = command.getTraceId();
    assertThat(command.getParentSpanContext().isValid()).isFalse();
    assertThat(command.getAttributes().asMap().toString()).contains("acc-1");
    assertThat(append.getKind()).isEqualTo(SpanKind.PRODUCER);
    assertThat(append.getParentSpanId()).isEqualTo(command.getSpanId());
    assertThat(spans("aether.read")).isNotEmpty().allSatisfy(read ->
        assertThat(read.getParentSpanId()).isEqualTo(command.getSpanId()));
    // The stored event carries the command's trace context, so both handlers are its children.
    String expectedParent = "00-" + traceId + "-" + command.getSpanId() + "-"
        + command.getSpanContext().getTraceFlags().asHex();
    assertThat(handled.get(0).metadata().traceParent()).contains(expectedParent);
    assertThat(busHandled.get(0).metadata().traceParent()).contains(expectedParent);
    assertThat(spans("aether.handle")).allSatisfy(handle -> {
      assertThat(handle.getKind()).isEqualTo(SpanKind.CONSUMER);
      assertThat(handle.getTraceId()).isEqualTo(traceId);
      assertThat(handle.getParentSpanId()).isEqualTo(command.getSpanId());
    });
    // On the wire: the CloudEvents distributed-tracing extension header, readable by any client.
    MessageInfo stored = connection.jetStreamManagement()
        .getMessage(store.streamName(), handled.get(0).position());
    assertThat(stored.getHeaders().getFirst("ce-traceparent")).isEqualTo(expectedParent);
  }

  @Test
  void appendWithoutCommand_eventsCarryTheAppendSpan_andAHandlerThatAppendsContinuesTheTrace()
      throws Exception {
    Namespace namespace = Namespace.of("traced-" + System.nanoTime());
    store = JetStreamEventStore.builder(connection, namespace).openTelemetry(otel).build();
    List<Event> handled = new CopyOnWriteArrayList<>();
    try (EventSubscription subscription = store.subscribe(
        SubscriptionOptions.fromBeginning(), event -> {
          handled.add(event);
          if (event.type().equals("Placed")) {
            // Inside the handler's span: the follow-up event joins the same trace.
            store.append("shipment-1", ExpectedVersion.any(),
                List.of(NewEvent.of("Shipped", Payload.empty())));
          }
        })) {
      store.append("order-1", ExpectedVersion.noStream(),
          List.of(NewEvent.of("Placed", Payload.empty())));

      await().atMost(WAIT).until(() -> handled.size() == 2
          && spans("aether.handle").size() == 2);
    }

    List<SpanData> appends = spans("aether.append");
    assertThat(appends).hasSize(2);
    SpanData first = appends.stream().filter(s -> !s.getParentSpanContext().isValid())
        .findFirst().orElseThrow();
    assertThat(spans("aether.append")).extracting(SpanData::getTraceId)
        .containsOnly(first.getTraceId());
    assertThat(spans("aether.handle")).extracting(SpanData::getTraceId)
        .containsOnly(first.getTraceId());
    SpanData placedHandler = spans("aether.handle").stream()
        .filter(s -> s.getParentSpanId().equals(first.getSpanId())).findFirst().orElseThrow();
    SpanData second = appends.stream().filter(s -> s != first).findFirst().orElseThrow();
    assertThat(second.getParentSpanId()).isEqualTo(placedHandler.getSpanId());
    assertThat(handled.get(1).metadata().traceParent()).contains(
        "00-" + first.getTraceId() + "-" + second.getSpanId() + "-"
        + second.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void eventWithItsOwnTraceparent_keepsIt_andTheHandlerJoinsThatTrace() throws Exception {
    Namespace namespace = Namespace.of("traced-" + System.nanoTime());
    store = JetStreamEventStore.builder(connection, namespace).openTelemetry(otel).build();
    String upstream = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    store.append("a", ExpectedVersion.any(), List.of(NewEvent.of("T", Payload.empty())
        .withMetadata(Metadata.builder().traceParent(upstream).traceState("k=v").build())));
    List<Event> handled = new CopyOnWriteArrayList<>();
    try (EventSubscription subscription = store.subscribe(
        SubscriptionOptions.fromBeginning(), handled::add)) {
      await().atMost(WAIT).until(() -> handled.size() == 1 && spans("aether.handle").size() == 1);
    }
    assertThat(handled.get(0).metadata().traceParent()).contains(upstream);
    assertThat(handled.get(0).metadata().traceState()).contains("k=v");
    assertThat(only("aether.append").getParentSpanId()).isEqualTo("b7ad6b7169203331");
    assertThat(only("aether.handle").getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    assertThat(only("aether.handle").getParentSpanId()).isEqualTo("b7ad6b7169203331");
  }

  @Test
  void withoutOpenTelemetry_nothingIsAddedToTheEvents() throws Exception {
    Namespace namespace = Namespace.of("untraced-" + System.nanoTime());
    store = JetStreamEventStore.builder(connection, namespace).build();
    store.append("a", ExpectedVersion.any(), List.of(NewEvent.of("T", Payload.empty())));
    assertThat(store.read("a", 1, 10).events().get(0).metadata().isEmpty()).isTrue();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
    assertThat(W3CTraceContextPropagator.getInstance().fields()).contains("traceparent");
  }

  private List<SpanData> spans(String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
        .toList();
  }

  private SpanData only(String name) {
    List<SpanData> found = spans(name);
    assertThat(found).as("spans named %s", name).hasSize(1);
    return found.get(0);
  }
}
