package one.flowmade.aether;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link Tracing#of(OpenTelemetry)}. Thread-safe. */
final class OpenTelemetryTracing implements Tracing {

  private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

  private static final TextMapGetter<Metadata> FROM_METADATA = new TextMapGetter<>() {
    @Override
    public Iterable<String> keys(Metadata carrier) {
      return carrier.asMap().keySet();
    }

    @Override
    public @Nullable String get(@Nullable Metadata carrier, String key) {
      return carrier == null ? null : carrier.get(key).orElse(null);
    }
  };

  private final Tracer tracer;

  OpenTelemetryTracing(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("one.flowmade.aether");
  }

  @Override
  public Operation start(String name, Kind kind, @Nullable Metadata carrier) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Context parent = Context.current();
    if (!Span.fromContext(parent).getSpanContext().isValid() && carrier != null) {
      parent = W3C.extract(parent, carrier, FROM_METADATA);
    }
    return new SpanOperation(tracer.spanBuilder(name).setParent(parent)
        .setSpanKind(spanKind(kind)).startSpan());
  }

  @Override
  public Operation startProcessing(String name, Metadata event) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(event, "event");
    Context parent = W3C.extract(Context.root(), event, FROM_METADATA);
    return new SpanOperation(tracer.spanBuilder(name).setParent(parent)
        .setSpanKind(SpanKind.CONSUMER).startSpan());
  }

  @Override
  public Metadata injectCurrent(Metadata metadata) {
    Objects.requireNonNull(metadata, "metadata");
    return inject(Context.current(), metadata);
  }

  private static Metadata inject(Context context, Metadata metadata) {
    if (metadata.traceParent().isPresent()
        || !Span.fromContext(context).getSpanContext().isValid()) {
      return metadata;
    }
    Map<String, String> headers = new HashMap<>(2);
    W3C.inject(context, headers, Map::put);
    if (headers.isEmpty()) {
      return metadata;
    }
    Metadata.Builder builder = metadata.toBuilder();
    headers.forEach(builder::put);
    return builder.build();
  }

  private static SpanKind spanKind(Kind kind) {
    switch (kind) {
      case CLIENT:
        return SpanKind.CLIENT;
      case PRODUCER:
        return SpanKind.PRODUCER;
      case CONSUMER:
        return SpanKind.CONSUMER;
      default:
        return SpanKind.INTERNAL;
    }
  }

  @Override
  public String toString() {
    return "Tracing.of(" + tracer + ")";
  }

  private static final class SpanOperation implements Operation {
    private final Span span;

    SpanOperation(Span span) {
      this.span = span;
    }

    @Override
    public Operation attribute(String key, String value) {
      if (value != null) {
        span.setAttribute(key, value);
      }
      return this;
    }

    @Override
    public Operation attribute(String key, long value) {
      span.setAttribute(key, value);
      return this;
    }

    @Override
    public Metadata inject(Metadata metadata) {
      return OpenTelemetryTracing.inject(Context.current().with(span), metadata);
    }

    @Override
    @SuppressWarnings("MustBeClosedChecker") // the caller closes the CurrentScope that wraps it
    public CurrentScope makeCurrent() {
      Scope scope = span.makeCurrent();
      return scope::close;
    }

    @Override
    public Operation failed(Throwable failure) {
      span.recordException(failure);
      span.setStatus(StatusCode.ERROR, String.valueOf(failure.getMessage()));
      return this;
    }

    @Override
    public void end() {
      span.end();
    }
  }
}
