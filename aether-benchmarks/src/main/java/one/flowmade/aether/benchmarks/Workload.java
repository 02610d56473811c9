package one.flowmade.aether.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;

/**
 * The events every benchmark writes: the same type, size and metadata for Aether and its
 * baselines, so pairs compare like with like. Stateless and thread-safe.
 */
public final class Workload {

  /** The size of each event's data (JSON body) in bytes, unless a benchmark says otherwise. */
  public static final int MESSAGE_SIZE = 256;
  /** The event type written. */
  public static final String EVENT_TYPE = "OrderPlaced";
  /** The correlation id every event carries, as real events would. */
  public static final String CORRELATION_ID = "5d1f0c1e-4bd4-4a62-9d7a-2f2b1d8f3c11";

  private Workload() {}

  /**
   * Returns a JSON object of exactly {@code size} bytes.
   *
   * @param size the size in bytes, at least 10
   * @return UTF-8 JSON
   */
  public static byte[] json(int size) {
    if (size < 10) {
      throw new IllegalArgumentException("size must be at least 10, was " + size);
    }
    String open = "{\"pad\":\"";
    String close = "\"}";
    StringBuilder json = new StringBuilder(size).append(open);
    for (int i = 0; json.length() < size - close.length(); i++) {
      json.append((char) ('a' + i % 26));
    }
    return json.append(close).toString().getBytes(StandardCharsets.US_ASCII);
  }

  /**
   * Returns a new event of {@link #MESSAGE_SIZE} bytes with a fresh id and the correlation id.
   *
   * @param data the data, from {@link #json(int)}
   * @return the event
   */
  public static NewEvent newEvent(Payload data) {
    return new NewEvent(UUID.randomUUID().toString(), EVENT_TYPE, Instant.now(),
        Metadata.builder().correlationId(CORRELATION_ID).build(), data);
  }

  /**
   * Returns {@code count} actor ids.
   *
   * @param prefix their common prefix
   * @param count how many
   * @return {@code prefix-0}, {@code prefix-1}, …
   */
  public static List<String> actors(String prefix, int count) {
    List<String> actors = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      actors.add(prefix + "-" + i);
    }
    return actors;
  }

  /**
   * Returns a namespace unique to this JVM run, so repeated runs on one server never collide.
   *
   * @param prefix the name's prefix, lower case
   * @return the namespace
   */
  public static Namespace uniqueNamespace(String prefix) {
    return Namespace.of(prefix + "-" + Long.toString(System.nanoTime() & 0xffffffL, 36));
  }
}
