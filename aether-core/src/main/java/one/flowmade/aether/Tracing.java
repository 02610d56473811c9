package one.flowmade.aether;

import io.opentelemetry.api.OpenTelemetry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Traces Aether's operations — appends, loads, commands and the handlers that process events —
 * and carries the trace from an append to every handler in the events' {@link Metadata}, as the
 * CloudEvents distributed-tracing extension: W3C trace context in the attributes {@link
 * Metadata#TRACE_PARENT traceparent} and {@link Metadata#TRACE_STATE tracestate} (stored on NATS as
 * the {@code ce-traceparent} and {@code ce-tracestate} headers). A store, bus or repository given
 * a {@code Tracing} writes the context of the current span into every event that has no {@code
 * traceparent} yet, and a subscription or bus handler runs inside a span whose parent is the
 * event's {@code traceparent}, so one trace shows command → append → every handler.
 *
 * <p>{@link #none()} (the default everywhere) records nothing and never loads an OpenTelemetry
 * class; {@link #of(OpenTelemetry)} records spans with the OpenTelemetry API (an optional
 * dependency: {@code io.opentelemetry:opentelemetry-api}). The format in the metadata is always
 * W3C trace context, whatever propagators the {@code OpenTelemetry} is configured with, because
 * that is what the CloudEvents extension prescribes.
 *
 * <p>Implementations are thread-safe; an {@link Operation} belongs to the thread that started it,
 * except that {@link Operation#end()} may be called from any thread.
 */
public interface Tracing {

  /**
   * Returns the tracing that records nothing and leaves metadata as it is.
   *
   * @return the no-op tracing
   */
  static Tracing none() {
    return NoTracing.INSTANCE;
  }

  /**
   * Returns a tracing that records spans with the tracer {@code one.flowmade.aether} of the given
   * OpenTelemetry.
   *
   * @param openTelemetry the OpenTelemetry (its tracer provider decides sampling and export)
   * @return the tracing
   * @throws NullPointerException if {@code openTelemetry} is null
   */
  @SuppressWarnings("exports") // OpenTelemetry is optional: readers add it when they call this
  static Tracing of(OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new OpenTelemetryTracing(openTelemetry);
  }

  /** What a span stands for, as OpenTelemetry span kinds. */
  enum Kind {
    /** Work inside the process, such as a command. */
    INTERNAL,
    /** A request to a server, such as a load. */
    CLIENT,
    /** Sending events to others, such as an append or a publish. */
    PRODUCER,
    /** Processing an event someone else sent, such as a subscription handler. */
    CONSUMER
  }

  /**
   * Starts a span whose parent is the current span (the caller's OpenTelemetry context) or, when
   * there is none, the trace context in {@code carrier}. The span is not made current; see
   * {@link Operation#makeCurrent()}.
   *
   * @param name the span name, such as {@code aether.append}
   * @param kind the span kind
   * @param carrier metadata whose {@code traceparent} is the parent when no span is current; may
   *     be null
   * @return the operation; {@link Operation#end()} must be called
   * @throws NullPointerException if {@code name} or {@code kind} is null
   */
  Operation start(String name, Kind kind, @Nullable Metadata carrier);

  /**
   * Starts a {@link Kind#CONSUMER} span for processing an event: its parent is the event's
   * {@code traceparent} (a new trace when it has none), whatever span is current.
   *
   * @param name the span name, such as {@code aether.handle}
   * @param event the metadata of the event being processed
   * @return the operation; {@link Operation#end()} must be called
   * @throws NullPointerException if an argument is null
   */
  Operation startProcessing(String name, Metadata event);

  /**
   * Returns {@code metadata} with the trace context of the current span, unless it already has a
   * {@code traceparent} or no span is current; then {@code metadata} itself.
   *
   * @param metadata the metadata of an event about to be sent
   * @return the metadata to send
   * @throws NullPointerException if {@code metadata} is null
   */
  Metadata injectCurrent(Metadata metadata);

  /** A started span. Not thread-safe, except {@link #end()}. */
  interface Operation {

    /**
     * Sets a string attribute of the span.
     *
     * @param key the attribute key, such as {@code aether.actor.id}
     * @param value the value; ignored when null
     * @return this operation
     */
    Operation attribute(String key, String value);

    /**
     * Sets a number attribute of the span.
     *
     * @param key the attribute key, such as {@code aether.event.count}
     * @param value the value
     * @return this operation
     */
    Operation attribute(String key, long value);

    /**
     * Returns {@code metadata} with this span's trace context, unless it already has a {@code
     * traceparent}; then (and when nothing is recorded) {@code metadata} itself.
     *
     * @param metadata the metadata of an event this operation sends
     * @return the metadata to send
     */
    Metadata inject(Metadata metadata);

    /**
     * Makes this span the current one on this thread until the returned scope is closed, so that
     * what the code inside does (an append in a handler, say) becomes its child.
     *
     * @return the scope; close it on the same thread
     */
    CurrentScope makeCurrent();

    /**
     * Records that the operation failed (the exception and an error status); {@link #end()} must
     * still be called.
     *
     * @param failure what it failed with
     * @return this operation
     */
    Operation failed(Throwable failure);

    /** Ends the span; later calls do nothing. May be called from any thread. */
    void end();
  }

  /** The scope in which an operation's span is current; closing it never throws. */
  interface CurrentScope extends AutoCloseable {
    @Override
    void close();
  }
}
