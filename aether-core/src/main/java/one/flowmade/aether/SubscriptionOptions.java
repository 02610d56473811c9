package one.flowmade.aether;

import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * How a subscription starts and what it receives.
 *
 * <p>An ephemeral subscription starts at {@link #from()}. A durable subscription has a name: the
 * store remembers the last position its handler returned from, and opening a subscription with
 * the same name resumes after it ({@link #from()} applies only the first time). Durable names are
 * 1 to 64 characters of ASCII letters, digits, {@code '-'} and {@code '_'}. An empty set of event
 * types means every type.
 *
 * <p>Immutable and thread-safe.
 *
 * @param from where the subscription starts (the first time, for a durable one)
 * @param durableName the durable name, or empty for an ephemeral subscription
 * @param eventTypes the event types to deliver; empty for all
 */
public record SubscriptionOptions(Position from, Optional<String> durableName,
    Set<String> eventTypes) {

  private static final Pattern DURABLE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /**
   * Validates the options.
   *
   * @throws IllegalArgumentException if the durable name or an event type is invalid
   */
  public SubscriptionOptions {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(durableName, "durableName");
    durableName.ifPresent(SubscriptionOptions::checkDurableName);
    eventTypes = Set.copyOf(eventTypes);
    eventTypes.forEach(Limits::checkEventType);
  }

  /**
   * Every event from the beginning, ephemeral.
   *
   * @return the options
   */
  public static SubscriptionOptions fromBeginning() {
    return builder().build();
  }

  /**
   * Returns a new builder: from the beginning, ephemeral, all types.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns whether an event of this type is delivered.
   *
   * @param type an event type
   * @return true if the type filter accepts it
   */
  public boolean accepts(String type) {
    return eventTypes.isEmpty() || eventTypes.contains(type);
  }

  private static void checkDurableName(String name) {
    if (!DURABLE.matcher(name).matches()) {
      throw new IllegalArgumentException("durable name '" + name + "' is not valid; use 1 to 64"
          + " ASCII letters, digits, '-' or '_'");
    }
  }

  /** Builds {@link SubscriptionOptions}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private Position from = Position.beginning();
    private @Nullable String durableName;
    private Set<String> eventTypes = Set.of();

    private Builder() {}

    /**
     * Sets where the subscription starts.
     *
     * @param from the start position
     * @return this builder
     */
    public Builder from(Position from) {
      this.from = Objects.requireNonNull(from, "from");
      return this;
    }

    /**
     * Makes the subscription durable under this name.
     *
     * @param name the durable name
     * @return this builder
     * @throws IllegalArgumentException if the name is invalid
     * @throws IllegalStateException if a name was already set
     */
    public Builder durable(String name) {
      Objects.requireNonNull(name, "durable name");
      if (durableName != null) {
        throw new IllegalStateException("durable name was already set to " + durableName);
      }
      checkDurableName(name);
      this.durableName = name;
      return this;
    }

    /**
     * Delivers only events of these types.
     *
     * @param types the event types
     * @return this builder
     * @throws IllegalArgumentException if a type is invalid
     */
    public Builder eventTypes(Set<String> types) {
      Set<String> copy = Set.copyOf(types);
      copy.forEach(Limits::checkEventType);
      this.eventTypes = copy;
      return this;
    }

    /**
     * Delivers only events of these types.
     *
     * @param types the event types
     * @return this builder
     */
    public Builder eventTypes(String... types) {
      return eventTypes(Set.of(types));
    }

    /**
     * Builds the options.
     *
     * @return the options
     */
    public SubscriptionOptions build() {
      return new SubscriptionOptions(from, Optional.ofNullable(durableName), eventTypes);
    }
  }
}
