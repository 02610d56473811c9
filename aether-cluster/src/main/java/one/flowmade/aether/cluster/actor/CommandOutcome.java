package one.flowmade.aether.cluster.actor;

import java.util.List;
import java.util.Objects;

/**
 * What a hosted actor did with a command. Immutable if {@code E} is.
 *
 * @param status applied now, applied before (same command id), or rejected by the handler
 * @param version the actor's version after the command (for a rejection: when it was decided)
 * @param events the events the command appended (empty if none, or if it was applied before)
 * @param message the rejection's message, empty otherwise
 * @param node the id of the node that ran it
 * @param <E> the event type
 */
public record CommandOutcome<E>(Status status, long version, List<E> events, String message,
    String node) {

  /** What happened to a command. */
  public enum Status {
    /** The command ran now and its events (maybe none) are stored. */
    APPLIED,
    /** A command with the same command id had been applied before; nothing was appended now. */
    ALREADY_APPLIED,
    /** The handler rejected the command; nothing was appended. */
    REJECTED
  }

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if a field is null
   */
  public CommandOutcome {
    Objects.requireNonNull(status, "status");
    events = List.copyOf(events);
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(node, "node");
  }
}
