package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
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
import one.flowmade.aether.ExpectedVersion;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.memory.InMemoryEventStore;
import one.flowmade.aether.projection.ErrorPolicy;
import one.flowmade.aether.projection.InMemoryCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.projection.ProjectionState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A projection's {@code aether.project} spans join the trace of the event they apply. */
final class ProjectionTracingTest {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";

  private final InMemoryEventStore store = InMemoryEventStore.create(Namespace.of("bank"));
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  // No propagators configured: the events carry W3C trace context all the same.
  private final OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.noop())
      .build();

  @AfterEach
  void close() {
    store.close();
    otel.close();
  }

  private void append(String type, Metadata metadata) {
    store.append("acc-1", ExpectedVersion.any(),
        NewEvent.of(type, Payload.json("{}")).withMetadata(metadata));
  }

  private List<SpanData> projectSpans() {
    return exporter.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals("aether.project")).toList();
  }

  @Test
  void eachAppliedEvent_isASpanInTheEventsTrace_currentWhileTheHandlerRuns() {
    append("Deposited", Metadata.builder().traceParent("00-" + TRACE + "-" + PARENT + "-01")
        .build());
    append("Deposited", Metadata.empty());
    List<String> traceInHandler = new CopyOnWriteArrayList<>();
    try (Projection p = Projection.builder().name("balances").eventStore(store)
        .checkpointStore(new InMemoryCheckpointStore()).openTelemetry(otel)
        .onAny((Event e, ProjectionContext c) ->
            traceInHandler.add(Span.current().getSpanContext().getTraceId()))
        .build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> projectSpans().size() == 2);
    }
    SpanData first = projectSpans().get(0);
    assertThat(first.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(first.getTraceId()).isEqualTo(TRACE);
    assertThat(first.getParentSpanId()).isEqualTo(PARENT);
    assertThat(first.getAttributes().get(AttributeKey.stringKey("aether.projection")))
        .isEqualTo("balances");
    assertThat(first.getAttributes().get(AttributeKey.stringKey("aether.actor.id")))
        .isEqualTo("acc-1");
    assertThat(first.getAttributes().get(AttributeKey.longKey("aether.position"))).isEqualTo(1L);
    SpanData second = projectSpans().get(1);
    assertThat(second.getTraceId()).as("an event without trace context: a new trace")
        .isNotEqualTo(TRACE);
    assertThat(second.getParentSpanContext().isValid()).isFalse();
    assertThat(traceInHandler).containsExactly(TRACE, second.getTraceId());
  }

  @Test
  void aHandlerThatThrows_marksItsSpanFailed() {
    append("Poison", Metadata.builder().traceParent("00-" + TRACE + "-" + PARENT + "-01")
        .build());
    try (Projection p = Projection.builder().name("balances").eventStore(store)
        .checkpointStore(new InMemoryCheckpointStore()).openTelemetry(otel)
        .errorPolicy(ErrorPolicy.stop().withRetries(1, Duration.ofMillis(1),
            Duration.ofMillis(1)))
        .onAny((Event e, ProjectionContext c) -> {
          throw new IllegalStateException("poison");
        }).build()) {
      p.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> p.state() == ProjectionState.FAILED);
    }
    assertThat(projectSpans()).isNotEmpty().allSatisfy(s -> {
      assertThat(s.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(s.getTraceId()).isEqualTo(TRACE);
      assertThat(s.getEvents()).anySatisfy(ev -> assertThat(ev.getName()).isEqualTo("exception"));
    });
  }
}
