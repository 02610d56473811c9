package one.flowmade.aether;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The answer of a {@link HealthCheck}: {@link Status#UP} or {@link Status#DOWN}, and details
 * that say what was checked and, when down, why. Usable as a readiness or liveness check: map
 * {@code UP} to HTTP 200 and {@code DOWN} to 503, and show the details. Immutable; the details
 * keep their order.
 *
 * @param status up or down
 * @param details what was checked, such as {@code connection=CONNECTED}; when down, the key
 *     {@code reason} says why
 */
public record Health(Status status, Map<String, String> details) {

  /** Whether a component can do its work. */
  public enum Status {
    /** It can. */
    UP,
    /** It cannot now; {@code details.get("reason")} says why. */
    DOWN
  }

  /**
   * Validates and copies the details.
   *
   * @throws NullPointerException if an argument, a key or a value is null
   */
  public Health {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(details, "details");
    Map<String, String> copy = new LinkedHashMap<>();
    details.forEach((key, value) -> copy.put(Objects.requireNonNull(key, "details key"),
        Objects.requireNonNull(value, "details value of " + key)));
    details = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns an up health.
   *
   * @param details what was checked
   * @return the health
   * @throws NullPointerException if {@code details}, a key or a value is null
   */
  public static Health up(Map<String, String> details) {
    return new Health(Status.UP, details);
  }

  /**
   * Returns a down health whose details end with {@code reason}.
   *
   * @param reason why, for an operator
   * @param details what was checked
   * @return the health
   * @throws NullPointerException if an argument, a key or a value is null
   */
  public static Health down(String reason, Map<String, String> details) {
    Map<String, String> all = new LinkedHashMap<>(details);
    all.put("reason", Objects.requireNonNull(reason, "reason"));
    return new Health(Status.DOWN, all);
  }

  /**
   * Whether the status is {@link Status#UP}.
   *
   * @return true if up
   */
  public boolean isUp() {
    return status == Status.UP;
  }
}
