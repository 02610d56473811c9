package one.flowmade.aether.projection;

import java.sql.Connection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Tracing;
import one.flowmade.aether.codec.EventCodec;
import org.jspecify.annotations.Nullable;

/**
 * A projection's handlers: typed ones decoded through the codec, one for any event, and the
 * partition filter in front of them. Immutable; the handlers themselves are called on the
 * projection's thread only.
 */
final class Handlers {

  /** A handler for one event type with the class its data decodes to. */
  record Typed<T>(Class<T> type, ProjectionHandler<T> handler) {}

  private final @Nullable EventCodec codec; // null only without typed handlers
  private final Map<String, Typed<?>> typed;
  private final @Nullable ProjectionHandler<Event> any;
  private final int partition;
  private final int partitions;
  private final Tracing tracing;
  private final String key;

  Handlers(@Nullable EventCodec codec, Map<String, Typed<?>> typed,
      @Nullable ProjectionHandler<Event> any, int partition, int partitions, Tracing tracing,
      String key) {
    this.codec = codec;
    this.tracing = tracing;
    this.key = key;
    this.typed = Map.copyOf(typed);
    this.any = any;
    this.partition = partition;
    this.partitions = partitions;
  }

  /** Returns the event types to ask the server for, or empty for every event. */
  Optional<Set<String>> serverFilter() {
    return any == null ? Optional.of(typed.keySet()) : Optional.empty();
  }

  /** Applies one event: nothing if its actor belongs to another partition. */
  void invoke(Event e, CheckpointStore.Transaction tx) throws Exception {
    if (partitions > 1 && Projection.partitionOfChecked(e.actorId(), partitions) != partition) {
      return;
    }
    Context context = new Context(e, tx.connection(), tx.kvBatch());
    if (tracing == Tracing.none()) {
      apply(e, context);
      return;
    }
    Tracing.Operation span = span(e);
    try (Tracing.CurrentScope ignored = span.makeCurrent()) {
      apply(e, context);
    } catch (Exception | Error failure) {
      span.failed(failure);
      throw failure;
    } finally {
      span.end();
    }
  }

  /**
   * Starts the {@code aether.project} span of one event: a consumer span whose parent is the
   * event's {@code traceparent}, or a new trace when its metadata has none or cannot be decoded
   * (the handler then sees the decoding error itself if it reads the metadata).
   */
  private Tracing.Operation span(Event e) {
    Tracing.Operation span;
    try {
      span = tracing.startProcessing("aether.project", e.metadata());
    } catch (DecodingException malformed) {
      span = tracing.start("aether.project", Tracing.Kind.CONSUMER, null);
    }
    return span.attribute("aether.projection", key)
        .attribute("aether.event.type", e.type())
        .attribute("aether.actor.id", e.actorId())
        .attribute("aether.position", e.position());
  }

  private void apply(Event e, Context context) throws Exception {
    Typed<?> handler = typed.get(e.type());
    if (handler != null) {
      invokeTyped(handler, e, context);
    }
    if (any != null) {
      any.handle(e, context);
    }
  }

  private <T> void invokeTyped(Typed<T> handler, Event e, Context context) throws Exception {
    Object decoded;
    try {
      decoded = Objects.requireNonNull(codec, "a typed handler is added after the codec")
          .decode(e.type(), e.data());
    } catch (RuntimeException decodeFailure) {
      throw new UndecodableData(decodeFailure);
    }
    if (!handler.type().isInstance(decoded)) {
      throw new UndecodableData(new ClassCastException("the codec decoded type " + e.type()
          + " to " + decoded.getClass().getName() + ", not " + handler.type().getName()));
    }
    handler.handler().handle(handler.type().cast(decoded), context);
  }

  /** Event data the codec could not decode for a typed handler: retrying cannot help. */
  static final class UndecodableData extends Exception {
    private static final long serialVersionUID = 1L;

    UndecodableData(Throwable cause) {
      super("event data could not be decoded: " + cause.getMessage(), cause);
    }
  }

  private record Context(Event event, Optional<Connection> connection,
      Optional<KvBatch> kvBatch) implements ProjectionContext {}
}
