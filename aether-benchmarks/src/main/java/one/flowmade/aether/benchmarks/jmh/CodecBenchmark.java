package one.flowmade.aether.benchmarks.jmh;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.Payload;
import one.flowmade.aether.benchmarks.Workload;
import one.flowmade.aether.codec.JacksonEventCodec;
import one.flowmade.aether.nats.CloudEventHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The codec and the CloudEvents header mapping against what a hand-written jnats program does:
 * Jackson on the same {@link ObjectMapper}, and {@code Headers.put} of the same values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CodecBenchmark {

  /** A typical event of about {@value Workload#MESSAGE_SIZE} bytes of JSON. */
  public record OrderPlaced(String orderId, String customerId, long totalCents, Instant placedAt,
      List<String> items, String note) {}

  private static final Namespace NAMESPACE = Namespace.of("bench");

  private ObjectMapper mapper;
  private JacksonEventCodec codec;
  private OrderPlaced order;
  private byte[] json;
  private Payload payload;
  private Event event;
  private Headers headers;

  /** Builds the codec, the event and its encoded forms. */
  @Setup
  public void setUp() {
    mapper = JacksonEventCodec.defaultMapper();
    codec = JacksonEventCodec.builder().objectMapper(mapper).register(OrderPlaced.class).build();
    order = new OrderPlaced("order-4711", "customer-0815", 129_99, Instant.now(),
        List.of("sku-1001", "sku-2002", "sku-3003"),
        "leave at the door, ring twice; the dog is friendly, the cat is not");
    json = codec.encode(order).toByteArray();
    payload = Payload.json(json);
    event = new Event(UUID.randomUUID().toString(), "OrderPlaced", "order-4711", 42,
        Instant.now(), Metadata.builder().correlationId(Workload.CORRELATION_ID).build(),
        payload, 4242);
    headers = new Headers();
    CloudEventHeaders.encode(NAMESPACE, event, headers::put);
  }

  /**
   * Aether: encode an event object to a {@link Payload}.
   *
   * @return the payload
   */
  @Benchmark
  public Payload encode() {
    return codec.encode(order);
  }

  /**
   * Baseline: Jackson writes the same object with the same mapper.
   *
   * @return the bytes
   * @throws IOException never
   */
  @Benchmark
  public byte[] rawEncode() throws IOException {
    return mapper.writeValueAsBytes(order);
  }

  /**
   * Aether: decode a payload by its event type.
   *
   * @return the event object
   */
  @Benchmark
  public Object decode() {
    return codec.decode("OrderPlaced", payload);
  }

  /**
   * Baseline: Jackson reads the same bytes into the same class.
   *
   * @return the event object
   * @throws IOException never
   */
  @Benchmark
  public Object rawDecode() throws IOException {
    return mapper.readValue(json, OrderPlaced.class);
  }

  /**
   * Aether: the CloudEvents headers of a stored event, written into jnats {@link Headers}.
   *
   * @return the headers
   */
  @Benchmark
  public Headers encodeHeaders() {
    Headers h = new Headers();
    CloudEventHeaders.encode(NAMESPACE, event, h::put);
    return h;
  }

  /**
   * Baseline: a hand-written jnats program puts the same header values, formatting only what
   * changes per event (id, time, version).
   *
   * @return the headers
   */
  @Benchmark
  public Headers rawEncodeHeaders() {
    Headers h = new Headers();
    h.put("ce-specversion", "1.0");
    h.put("ce-id", event.id());
    h.put("ce-source", "/aether/bench");
    h.put("ce-type", event.type());
    h.put("ce-subject", event.actorId());
    h.put("ce-time", event.timestamp().toString());
    h.put("ce-datacontenttype", "application/json");
    h.put("ce-aetherversion", Long.toString(event.version()));
    h.put("ce-correlationid", Workload.CORRELATION_ID);
    return h;
  }

  /**
   * Aether: a stored event back from its headers and body.
   *
   * @return the event
   */
  @Benchmark
  public Event decodeHeaders() {
    return CloudEventHeaders.decode(headers.keySet(), headers::getFirst)
        .toEvent(json, 4242);
  }

  /**
   * Baseline: a hand-written jnats program reads the same header values and parses the time and
   * version, without validating anything.
   *
   * @return the values read
   */
  @Benchmark
  public Object[] rawDecodeHeaders() {
    return new Object[] {
        headers.getFirst("ce-id"), headers.getFirst("ce-type"), headers.getFirst("ce-subject"),
        Instant.parse(headers.getFirst("ce-time")),
        Long.parseLong(headers.getFirst("ce-aetherversion")),
        headers.getFirst("ce-correlationid"), json};
  }
}
