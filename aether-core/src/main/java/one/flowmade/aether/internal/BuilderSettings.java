package one.flowmade.aether.internal;

import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.Objects;
import one.flowmade.aether.Tracing;
import org.jspecify.annotations.Nullable;

/**
 * The rules every Aether builder applies to a setting, written once: a setting is checked when it
 * is set (null is refused with a {@link NullPointerException} naming it, a value out of range
 * with an {@link IllegalArgumentException} naming it and the value) and may be set only once (a
 * second call throws {@link IllegalStateException} {@code "<name> was already set to <value>"}).
 * The public builders call these methods and keep the documentation of each setting. Stateless
 * and thread-safe; a builder itself is not.
 */
public final class BuilderSettings {

  private BuilderSettings() {}

  /**
   * Returns {@code value} to store as a setting that was unset until now.
   *
   * @param current the setting's current value, null if unset
   * @param value the new value
   * @param name the setting's name, as its builder method is called
   * @param <T> the setting's type
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalStateException if {@code current} is not null
   */
  public static <T> T once(@Nullable T current, T value, String name) {
    Objects.requireNonNull(value, name);
    checkUnset(current, name);
    return value;
  }

  /**
   * Returns {@code value} to store as a positive duration that was unset until now.
   *
   * @param current the setting's current value, null if unset
   * @param value the new value
   * @param name the setting's name
   * @return {@code value}
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if {@code value} is zero or negative
   * @throws IllegalStateException if {@code current} is not null
   */
  public static Duration positive(@Nullable Duration current, Duration value,
      String name) {
    Objects.requireNonNull(value, name);
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
    checkUnset(current, name);
    return value;
  }

  /**
   * Throws if a setting was already set.
   *
   * @param current the setting's current value, null if unset
   * @param name the setting's name
   * @throws IllegalStateException if {@code current} is not null
   */
  public static void checkUnset(@Nullable Object current, String name) {
    if (current != null) {
      throw new IllegalStateException(name + " was already set to " + current);
    }
  }

  /**
   * Returns the tracing to store for the setting {@code openTelemetry}, whose unset value is
   * {@link Tracing#none()}. OpenTelemetry classes are loaded only when this is called.
   *
   * @param current the tracing set so far
   * @param openTelemetry the OpenTelemetry to trace with
   * @return the tracing that records spans with {@code openTelemetry}
   * @throws NullPointerException if {@code openTelemetry} is null
   * @throws IllegalStateException if a tracing was already set
   */
  @SuppressWarnings("exports") // OpenTelemetry is optional: callers of this method add it
  public static Tracing tracing(Tracing current, OpenTelemetry openTelemetry) {
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    if (current != Tracing.none()) {
      throw new IllegalStateException("openTelemetry was already set");
    }
    return Tracing.of(openTelemetry);
  }
}
