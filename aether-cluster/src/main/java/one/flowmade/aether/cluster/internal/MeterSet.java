package one.flowmade.aether.cluster.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one owner (a node, an actor host) on a Micrometer registry, removed together
 * when the owner closes: those registered up front and those registered on first use under a key
 * (one per name and tag values). Once {@link #remove() removed}, nothing more is registered.
 * Loaded only when a registry was given. Thread-safe.
 */
public final class MeterSet {

  private final MeterRegistry registry;
  private final List<Meter> meters = new CopyOnWriteArrayList<>();
  private final Map<String, Meter> byKey = new ConcurrentHashMap<>();
  private volatile boolean removed;

  /**
   * Creates an empty set.
   *
   * @param registry the registry its meters are registered in
   */
  public MeterSet(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Registers a meter now, to be removed with the others.
   *
   * @param register registers the meter in the registry it is given
   * @param <M> the meter's type
   * @return the meter
   */
  public <M extends Meter> M add(Function<MeterRegistry, M> register) {
    M meter = register.apply(registry);
    meters.add(meter);
    return meter;
  }

  /**
   * Returns the meter registered under {@code key}, registering it on its first use.
   *
   * @param key the meter's name and tag values; one key always names meters of one type
   * @param register registers the meter in the registry it is given
   * @param <M> the meter's type
   * @return the meter, or null once the set was removed (record nothing then)
   */
  public <M extends Meter> @Nullable M get(String key, Function<MeterRegistry, M> register) {
    if (removed) {
      return null;
    }
    @SuppressWarnings("unchecked") // one key always names meters of one type
    M meter = (M) byKey.computeIfAbsent(key, k -> add(register));
    return meter;
  }

  /**
   * Returns whether {@link #remove()} was called.
   *
   * @return true once removed
   */
  public boolean isRemoved() {
    return removed;
  }

  /** Removes every meter from the registry; later {@link #get} calls register nothing. */
  public void remove() {
    removed = true;
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
    byKey.clear();
  }
}
