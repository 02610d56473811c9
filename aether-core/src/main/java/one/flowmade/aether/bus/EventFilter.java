package one.flowmade.aether.bus;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import one.flowmade.aether.Limits;

/**
 * Which events of the subscribed namespaces a subscription receives: an event matches when its
 * type is one of {@link #types()} (or that set is empty, meaning every type) and its actor id
 * matches {@link #actors()}.
 *
 * <p>Types are compared exactly (case-sensitive). The NATS bus filters types and exact actor ids
 * on the server, so non-matching events do not cross the network; other actor patterns are
 * applied in the subscriber's process. Either way a handler only ever sees matching events.
 *
 * <p>Immutable and thread-safe.
 *
 * @param types the event types to receive; empty for every type
 * @param actors the actors whose events to receive
 */
public record EventFilter(Set<String> types, ActorPattern actors) {

  private static final EventFilter ALL = new EventFilter(Set.of(), ActorPattern.any());

  /**
   * Validates and copies the fields.
   *
   * @throws IllegalArgumentException if a type is invalid
   * @throws NullPointerException if a field or a type is null
   */
  public EventFilter {
    types = Set.copyOf(types);
    types.forEach(Limits::checkEventType);
    Objects.requireNonNull(actors, "actors");
  }

  /**
   * Returns the filter that matches every event.
   *
   * @return the filter
   */
  public static EventFilter all() {
    return ALL;
  }

  /**
   * Returns a filter that matches events of the given types, of any actor.
   *
   * @param types the types, at least one
   * @return the filter
   * @throws IllegalArgumentException if no type is given or a type is invalid
   */
  public static EventFilter ofTypes(String... types) {
    return ofTypes(Arrays.asList(types));
  }

  /**
   * Returns a filter that matches events of the given types, of any actor.
   *
   * @param types the types, at least one
   * @return the filter
   * @throws IllegalArgumentException if no type is given or a type is invalid
   */
  public static EventFilter ofTypes(Collection<String> types) {
    if (types.isEmpty()) {
      throw new IllegalArgumentException("at least one type is required; use EventFilter.all()");
    }
    return new EventFilter(Set.copyOf(types), ActorPattern.any());
  }

  /**
   * Returns a filter that matches events of the given actors, of any type.
   *
   * @param actors the actors
   * @return the filter
   */
  public static EventFilter ofActors(ActorPattern actors) {
    return new EventFilter(Set.of(), actors);
  }

  /**
   * Returns a copy that also requires one of these types.
   *
   * @param types the types, at least one
   * @return the copy
   * @throws IllegalArgumentException if no type is given or a type is invalid
   */
  public EventFilter withTypes(String... types) {
    if (types.length == 0) {
      throw new IllegalArgumentException("at least one type is required");
    }
    return new EventFilter(Set.copyOf(List.of(types)), actors);
  }

  /**
   * Returns a copy with another actor pattern.
   *
   * @param actors the actors
   * @return the copy
   */
  public EventFilter withActors(ActorPattern actors) {
    return new EventFilter(types, actors);
  }

  /**
   * Returns whether an event matches.
   *
   * @param event the event
   * @return true if a subscription with this filter receives it
   */
  public boolean matches(BusEvent event) {
    return (types.isEmpty() || types.contains(event.type())) && actors.matches(event.actorId());
  }
}
