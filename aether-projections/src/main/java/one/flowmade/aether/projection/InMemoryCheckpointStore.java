package one.flowmade.aether.projection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Checkpoints and parking lists in this process's memory, for tests and for read models that are rebuilt on every
 * start. Thread-safe; never blocks.
 */
public final class InMemoryCheckpointStore implements CheckpointStore {
  private final ConcurrentHashMap<String, Checkpoint> checkpoints = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, ConcurrentSkipListMap<Long, ParkedEvent>> parked =
      new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryCheckpointStore() {}

  @Override
  public Checkpoint claim(String key) {
    Objects.requireNonNull(key, "key");
    return checkpoints.compute(key, (k, c) -> c == null ? new Checkpoint(0, 1)
        : new Checkpoint(c.position(), c.epoch() + 1));
  }

  @Override
  public Checkpoint claim(String key, long epoch) {
    Objects.requireNonNull(key, "key");
    Checkpoints.checkEpoch(epoch);
    return checkpoints.compute(key, (k, c) -> {
      if (c != null && c.epoch() > epoch) {
        throw Checkpoints.higherEpoch(key, epoch, c.epoch());
      }
      return new Checkpoint(c == null ? 0 : c.position(), epoch);
    });
  }

  @Override
  public Optional<Checkpoint> load(String key) {
    return Optional.ofNullable(checkpoints.get(Objects.requireNonNull(key, "key")));
  }

  @Override
  public void reset(String key, long position) {
    Objects.requireNonNull(key, "key");
    checkpoints.compute(key, (k, c) -> new Checkpoint(position, c == null ? 1 : c.epoch() + 1));
  }

  @Override
  public SortedMap<String, Checkpoint> list() {
    return Collections.unmodifiableSortedMap(new TreeMap<>(checkpoints));
  }

  @Override
  public void park(String key, ParkedEvent event) {
    Objects.requireNonNull(event, "event");
    parked.computeIfAbsent(Objects.requireNonNull(key, "key"), k -> new ConcurrentSkipListMap<>())
        .put(event.position(), event);
  }

  @Override
  public void park(String key, long epoch, ParkedEvent event) {
    Objects.requireNonNull(event, "event");
    checkpoints.compute(Objects.requireNonNull(key, "key"), (k, c) -> {
      if (c == null || c.epoch() != epoch) {
        throw new CheckpointFencedException(key, epoch, c == null ? "the checkpoint is gone"
            : "the store holds epoch " + c.epoch() + "; the parked event was not recorded");
      }
      park(key, event);
      return c;
    });
  }

  @Override
  public List<ParkedEvent> parked(String key) {
    var list = parked.get(Objects.requireNonNull(key, "key"));
    return list == null ? List.of() : List.copyOf(new ArrayList<>(list.values()));
  }

  @Override
  public boolean unpark(String key, long position) {
    var list = parked.get(Objects.requireNonNull(key, "key"));
    return list != null && list.remove(position) != null;
  }

  @Override
  public Transaction begin(String key, long epoch) {
    Objects.requireNonNull(key, "key");
    return new Transaction() {
      @Override
      public void commit(long position) {
        checkpoints.compute(key, (k, c) -> {
          if (c == null || c.epoch() != epoch) {
            throw new CheckpointFencedException(key, epoch,
                c == null ? "the checkpoint is gone" : "the store holds epoch " + c.epoch());
          }
          return new Checkpoint(position, epoch);
        });
      }

      @Override
      public void close() {}
    };
  }
}
