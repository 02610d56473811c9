package one.flowmade.aether.bus.internal;

/** Meters registered for a component, removed again by {@link #unbind()}. Thread-safe. */
public interface MeterBinding {

  /** No meters. */
  MeterBinding NONE = () -> {};

  /** Removes the meters from their registry. Idempotent. */
  void unbind();
}
