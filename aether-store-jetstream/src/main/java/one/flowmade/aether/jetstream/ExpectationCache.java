package one.flowmade.aether.jetstream;

import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The last known end of each actor the store appended to, so that an append usually publishes
 * without reading first. An entry may be stale (another writer appended since): the server then
 * refuses the expectation and the append reads the actor's end again. Bounded: cleared when
 * full. Thread-safe.
 */
final class ExpectationCache {

  private static final int LIMIT = 65_536;

  private final ConcurrentHashMap<String, ActorEnd> ends = new ConcurrentHashMap<>();

  /** The cached end of the actor with subject token {@code token}, or null. */
  @Nullable ActorEnd get(String token) {
    return ends.get(token);
  }

  void remember(String token, ActorEnd end) {
    if (ends.size() >= LIMIT) {
      ends.clear();
    }
    ends.put(token, new ActorEnd(end.sequence(), end.version(), null));
  }
}
