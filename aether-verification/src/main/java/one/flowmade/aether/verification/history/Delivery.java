package one.flowmade.aether.verification.history;

import java.util.Objects;

/**
 * One event a subscription handed to its handler.
 *
 * <p>Immutable and thread-safe.
 *
 * @param id the entry's id, unique within the run
 * @param process the process whose subscription it was
 * @param subscription the subscription's name within the process
 * @param at when the handler received it
 * @param position the event's position
 * @param actorId the event's actor
 * @param version the event's version
 * @param eventId the event's id
 */
public record Delivery(
    String id,
    String process,
    String subscription,
    Moment at,
    long position,
    String actorId,
    long version,
    String eventId) implements HistoryEntry {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public Delivery {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(process, "process");
    Objects.requireNonNull(subscription, "subscription");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(actorId, "actorId");
    Objects.requireNonNull(eventId, "eventId");
  }

  @Override
  public Moment start() {
    return at;
  }

  @Override
  public String describe(Moment origin) {
    return process + ' ' + id + " delivery subscription=" + subscription + " at="
        + at.relativeTo(origin) + " position=" + position + " actor='" + actorId + "' v" + version
        + " event=" + eventId;
  }
}
