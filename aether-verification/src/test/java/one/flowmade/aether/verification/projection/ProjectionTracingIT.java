package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
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
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;
import one.flowmade.aether.jetstream.JetStreamEventStore;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.Projection;
import one.flowmade.aether.projection.ProjectionContext;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/**
 * One trace from a request through its append to the read model, on a real nats-server: the
 * JetStream store writes its append span's trace context into the stored event, and the
 * projection's {@code aether.project} span of that event is the append span's child.
 */
final class ProjectionTracingIT {

  @Test
  void theReadModelsSpan_isInTheTraceOfTheRequestThatAppended() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    Namespace ns = Namespace.of("traced");
    try (OpenTelemetrySdk otel = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
            .setPropagators(ContextPropagators.noop()).build();
        NatsServer nats = NatsServer.start();
        Connection nc = nats.connect();
        JetStreamEventStore store = JetStreamEventStore.builder(nc, ns).openTelemetry(otel)
            .build()) {
      Span request = otel.getTracer("test").spanBuilder("POST /deposits").startSpan();
      try (Scope ignored = request.makeCurrent()) {
        store.append("acc-1", ExpectedVersion.any(),
            NewEvent.of("Deposited", Payload.json("{\"amount\":5}")));
      } finally {
        request.end();
      }
      List<String> tracesInHandler = new CopyOnWriteArrayList<>();
      try (Projection balances = Projection.builder().name("balances").eventStore(store)
          .checkpointStore(KvCheckpointStore.open(nc, ns)).openTelemetry(otel)
          .onAny((Event e, ProjectionContext c) ->
              tracesInHandler.add(Span.current().getSpanContext().getTraceId()))
          .build()) {
        balances.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> span(exporter, "aether.project") != null);
      }
      SpanData append = span(exporter, "aether.append");
      SpanData project = span(exporter, "aether.project");
      assertThat(append).isNotNull();
      assertThat(project).isNotNull();
      String trace = request.getSpanContext().getTraceId();
      assertThat(append.getTraceId()).isEqualTo(trace);
      assertThat(project.getTraceId()).as("the read model's span, in the request's trace")
          .isEqualTo(trace);
      assertThat(project.getParentSpanId()).as("parented by the append that stored the event")
          .isEqualTo(append.getSpanId());
      assertThat(tracesInHandler).containsExactly(trace);
    }
  }

  private static SpanData span(InMemorySpanExporter exporter, String name) {
    return exporter.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name))
        .findFirst().orElse(null);
  }
}
