package one.flowmade.aether.benchmarks.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The conditions a run was measured under (machine, JDK, server version, sizes), printed at the
 * top of the report. Insertion-ordered; not thread-safe.
 */
public final class Conditions {

  private final Map<String, String> entries = new LinkedHashMap<>();

  /**
   * Sets one condition, replacing an earlier value.
   *
   * @param name what it is
   * @param value its value
   * @return this
   */
  public Conditions put(String name, String value) {
    entries.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
    return this;
  }

  /**
   * Returns the conditions in insertion order.
   *
   * @return an unmodifiable copy
   */
  public Map<String, String> asMap() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(entries));
  }
}
