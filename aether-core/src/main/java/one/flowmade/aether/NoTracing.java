package one.flowmade.aether;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** {@link Tracing#none()}: records nothing, loads no OpenTelemetry class. Stateless. */
enum NoTracing implements Tracing, Tracing.Operation, Tracing.CurrentScope {
  INSTANCE;

  @Override
  public Operation start(String name, Kind kind, @Nullable Metadata carrier) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    return this;
  }

  @Override
  public Operation startProcessing(String name, Metadata event) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(event, "event");
    return this;
  }

  @Override
  public Metadata injectCurrent(Metadata metadata) {
    return Objects.requireNonNull(metadata, "metadata");
  }

  @Override
  public Operation attribute(String key, String value) {
    return this;
  }

  @Override
  public Operation attribute(String key, long value) {
    return this;
  }

  @Override
  public Metadata inject(Metadata metadata) {
    return metadata;
  }

  @Override
  public CurrentScope makeCurrent() {
    return this;
  }

  @Override
  public Operation failed(Throwable failure) {
    return this;
  }

  @Override
  public void end() {
    // nothing recorded
  }

  @Override
  public void close() {
    // nothing made current
  }

  @Override
  public String toString() {
    return "Tracing.none()";
  }
}
