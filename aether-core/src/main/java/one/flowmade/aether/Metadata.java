package one.flowmade.aether;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * String key/value metadata of an event, with named accessors for the keys every system needs:
 * correlation id, causation id, user id and W3C trace context.
 *
 * <p>Keys follow the CloudEvents rule for extension attributes (1 to {@value #MAX_KEY_LENGTH}
 * lower-case ASCII letters or digits) because stores write each entry as a CloudEvents extension
 * attribute; the CloudEvents core attribute names are reserved. Values are at most {@value
 * #MAX_VALUE_LENGTH} characters without control characters. Invalid keys or values are rejected
 * with an {@link IllegalArgumentException} naming them.
 *
 * <p>Immutable and thread-safe; iteration order is insertion order.
 */
public final class Metadata {

  /** Key of the correlation id. */
  public static final String CORRELATION_ID = "correlationid";
  /** Key of the causation id. */
  public static final String CAUSATION_ID = "causationid";
  /** Key of the id of the user on whose behalf the event was recorded. */
  public static final String USER_ID = "userid";
  /** Key of the W3C {@code traceparent}. */
  public static final String TRACE_PARENT = "traceparent";
  /** Key of the W3C {@code tracestate}. */
  public static final String TRACE_STATE = "tracestate";

  /** The longest key accepted. */
  public static final int MAX_KEY_LENGTH = 20;
  /** The longest value accepted. */
  public static final int MAX_VALUE_LENGTH = 4096;

  private static final Set<String> RESERVED = Set.of(
      "id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time",
      "data", "data_base64", "aetheractor", "aetherversion");
  private static final Metadata EMPTY = new Metadata(Map.of());

  private final Map<String, String> values;

  private Metadata(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Returns metadata without entries.
   *
   * @return the empty metadata
   */
  public static Metadata empty() {
    return EMPTY;
  }

  /**
   * Returns metadata holding a copy of the given entries.
   *
   * @param values the entries
   * @return the metadata
   * @throws IllegalArgumentException if a key or value is invalid
   */
  public static Metadata of(Map<String, String> values) {
    Objects.requireNonNull(values, "values");
    if (values.isEmpty()) {
      return EMPTY;
    }
    Builder builder = builder();
    values.forEach(builder::put);
    return builder.build();
  }

  /**
   * Returns a new builder.
   *
   * @return an empty builder
   */
  public static Builder builder() {
    return new Builder(new LinkedHashMap<>());
  }

  /**
   * Returns a builder that starts with these entries.
   *
   * @return a builder holding a copy of this metadata
   */
  public Builder toBuilder() {
    return new Builder(new LinkedHashMap<>(values));
  }

  /**
   * Returns a copy with one entry added or replaced.
   *
   * @param key the key
   * @param value the value
   * @return the new metadata
   * @throws IllegalArgumentException if the key or value is invalid
   */
  public Metadata with(String key, String value) {
    return toBuilder().put(key, value).build();
  }

  /**
   * Returns the value of a key.
   *
   * @param key the key
   * @return the value, or empty if absent
   */
  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key));
  }

  /**
   * Returns every entry.
   *
   * @return an unmodifiable map in insertion order
   */
  public Map<String, String> asMap() {
    return values;
  }

  /**
   * Returns whether there are no entries.
   *
   * @return true when empty
   */
  public boolean isEmpty() {
    return values.isEmpty();
  }

  /**
   * Returns the correlation id: the id shared by every message of one conversation.
   *
   * @return the correlation id, if present
   */
  public Optional<String> correlationId() {
    return get(CORRELATION_ID);
  }

  /**
   * Returns the causation id: the id of the message that caused this event.
   *
   * @return the causation id, if present
   */
  public Optional<String> causationId() {
    return get(CAUSATION_ID);
  }

  /**
   * Returns the id of the user on whose behalf the event was recorded.
   *
   * @return the user id, if present
   */
  public Optional<String> userId() {
    return get(USER_ID);
  }

  /**
   * Returns the W3C trace context {@code traceparent}.
   *
   * @return the trace parent, if present
   */
  public Optional<String> traceParent() {
    return get(TRACE_PARENT);
  }

  /**
   * Returns the W3C trace context {@code tracestate}.
   *
   * @return the trace state, if present
   */
  public Optional<String> traceState() {
    return get(TRACE_STATE);
  }

  /**
   * Checks a metadata key.
   *
   * @param key the key
   * @return the key
   * @throws IllegalArgumentException if it is not 1 to 20 lower-case letters or digits, or is
   *     reserved
   */
  public static String checkKey(String key) {
    Objects.requireNonNull(key, "metadata key");
    if (!isKeyShaped(key)) {
      throw new IllegalArgumentException("metadata key '" + key + "' is not valid; keys are 1 to "
          + MAX_KEY_LENGTH + " lower-case ASCII letters or digits (CloudEvents extension names)");
    }
    if (RESERVED.contains(key)) {
      throw new IllegalArgumentException("metadata key '" + key + "' is reserved");
    }
    return key;
  }

  /**
   * Returns whether a string is a valid metadata key, without throwing: what {@link
   * #checkKey(String)} accepts.
   *
   * @param key the candidate
   * @return true if {@link #checkKey(String)} would accept it
   */
  public static boolean isValidKey(String key) {
    return key != null && isKeyShaped(key) && !RESERVED.contains(key);
  }

  // A loop rather than a regular expression: keys are checked for every event decoded.
  private static boolean isKeyShaped(String key) {
    int n = key.length();
    if (n < 1 || n > MAX_KEY_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
        return false;
      }
    }
    return true;
  }

  private static String checkValue(String key, String value) {
    Objects.requireNonNull(value, () -> "value of metadata key '" + key + "'");
    if (value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException("value of metadata key '" + key + "' is "
          + value.length() + " characters long; at most " + MAX_VALUE_LENGTH + " are allowed");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        throw new IllegalArgumentException(String.format(
            "value of metadata key '%s' contains U+%04X at index %d; control characters and"
                + " unpaired surrogates are not allowed", key, (int) c, i));
      }
    }
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Metadata other && values.equals(other.values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  @Override
  public String toString() {
    return "Metadata" + values;
  }

  /** Builds {@link Metadata}. Not thread-safe; each input is checked when it is set. */
  public static final class Builder {
    private final Map<String, String> values;

    private Builder(Map<String, String> values) {
      this.values = values;
    }

    /**
     * Sets one entry.
     *
     * @param key the key
     * @param value the value
     * @return this builder
     * @throws IllegalArgumentException if the key or value is invalid
     */
    public Builder put(String key, String value) {
      values.put(checkKey(key), checkValue(key, value));
      return this;
    }

    /**
     * Sets the correlation id.
     *
     * @param correlationId the correlation id
     * @return this builder
     */
    public Builder correlationId(String correlationId) {
      return put(CORRELATION_ID, correlationId);
    }

    /**
     * Sets the causation id.
     *
     * @param causationId the causation id
     * @return this builder
     */
    public Builder causationId(String causationId) {
      return put(CAUSATION_ID, causationId);
    }

    /**
     * Sets the user id.
     *
     * @param userId the user id
     * @return this builder
     */
    public Builder userId(String userId) {
      return put(USER_ID, userId);
    }

    /**
     * Sets the W3C {@code traceparent}.
     *
     * @param traceParent the trace parent
     * @return this builder
     */
    public Builder traceParent(String traceParent) {
      return put(TRACE_PARENT, traceParent);
    }

    /**
     * Sets the W3C {@code tracestate}.
     *
     * @param traceState the trace state
     * @return this builder
     */
    public Builder traceState(String traceState) {
      return put(TRACE_STATE, traceState);
    }

    /**
     * Builds the metadata.
     *
     * @return immutable metadata holding the entries set so far
     */
    public Metadata build() {
      if (values.isEmpty()) {
        return EMPTY;
      }
      return new Metadata(Collections.unmodifiableMap(new LinkedHashMap<>(values)));
    }
  }
}
