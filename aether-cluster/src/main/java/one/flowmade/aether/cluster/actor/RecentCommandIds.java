package one.flowmade.aether.cluster.actor;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.UUID;

/**
 * The command ids a cached actor ran most recently, at most {@code capacity}, oldest dropped
 * first: each kept as its 128-bit name-based UUID (MD5, the same kind of hash the events' ids
 * derive from, whose uniqueness the store's duplicate detection already relies on), in a ring
 * that grows to {@code capacity} and is never copied. Recording a command costs one hash and no
 * allocation once the ring has grown; a lookup scans at most {@code capacity} pairs of longs.
 * About 16 bytes per id kept, whatever the id's length.
 *
 * <p>Not thread-safe: an actor's commands run one at a time (the mailbox lock), and the lock's
 * hand-over orders its uses.
 */
final class RecentCommandIds {

  private final int capacity;
  private long[] ids = new long[0]; // pairs: most, least significant bits
  private int size;
  private int next; // the slot the next id goes to once full (the oldest)

  RecentCommandIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
    }
    this.capacity = capacity;
  }

  /** Returns a ring holding {@code loaded} (in no particular order; at most the capacity). */
  static RecentCommandIds of(int capacity, Collection<String> loaded) {
    RecentCommandIds ids = new RecentCommandIds(capacity);
    for (String id : loaded) {
      ids.add(id);
    }
    return ids;
  }

  /** Returns whether {@code commandId} is among the ids kept. */
  boolean contains(String commandId) {
    UUID h = hash(commandId);
    long most = h.getMostSignificantBits();
    long least = h.getLeastSignificantBits();
    for (int i = 0; i < size * 2; i += 2) {
      if (ids[i + 1] == least && ids[i] == most) {
        return true;
      }
    }
    return false;
  }

  /** Records {@code commandId}, dropping the oldest id if {@code capacity} are kept. */
  void add(String commandId) {
    UUID h = hash(commandId);
    int slot;
    if (size < capacity) {
      if (size * 2 == ids.length) {
        long[] grown = new long[Math.min(capacity, Math.max(4, size * 2)) * 2];
        System.arraycopy(ids, 0, grown, 0, size * 2);
        ids = grown;
      }
      slot = size++;
    } else {
      slot = next;
      next = (next + 1) % capacity;
    }
    ids[slot * 2] = h.getMostSignificantBits();
    ids[slot * 2 + 1] = h.getLeastSignificantBits();
  }

  /** Returns how many ids are kept. */
  int size() {
    return size;
  }

  private static UUID hash(String commandId) {
    return UUID.nameUUIDFromBytes(("aether-command-id:" + commandId)
        .getBytes(StandardCharsets.UTF_8));
  }
}
