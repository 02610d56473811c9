package one.flowmade.aether.bus;

import java.util.Objects;
import java.util.Optional;

/**
 * A report that a bus did not deliver one or more events to a subscription.
 *
 * <p>Immutable and thread-safe.
 *
 * @param subscription the subscription that did not receive the events
 * @param reason why
 * @param count how many events, at least 1
 * @param event the event, when the drop concerns exactly one known event
 * @param cause the failure behind the drop, for {@link DropReason#UNDECODABLE}
 */
public record Drop(
    BusSubscription subscription,
    DropReason reason,
    long count,
    Optional<BusEvent> event,
    Optional<Throwable> cause) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if {@code count} is below 1, or an event is given with a
   *     count other than 1
   * @throws NullPointerException if a field is null
   */
  public Drop {
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(cause, "cause");
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1, was " + count);
    }
    if (event.isPresent() && count != 1) {
      throw new IllegalArgumentException("a drop of a known event has count 1, was " + count);
    }
  }

  /**
   * Returns a drop of one known event.
   *
   * @param subscription the subscription
   * @param reason why
   * @param event the event
   * @return the drop
   */
  public static Drop of(BusSubscription subscription, DropReason reason, BusEvent event) {
    return new Drop(subscription, reason, 1, Optional.of(event), Optional.empty());
  }

  /**
   * Returns a drop of events that are only counted.
   *
   * @param subscription the subscription
   * @param reason why
   * @param count how many
   * @return the drop
   */
  public static Drop of(BusSubscription subscription, DropReason reason, long count) {
    return new Drop(subscription, reason, count, Optional.empty(), Optional.empty());
  }
}
