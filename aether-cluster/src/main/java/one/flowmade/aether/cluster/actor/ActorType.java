package one.flowmade.aether.cluster.actor;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Objects;
import one.flowmade.aether.codec.EventCodec;

/**
 * A kind of hosted actor as both sides of a command see it: its name (commands carry it, so one
 * node can host several types), the command class (commands travel as JSON, written and read
 * with an {@link ObjectMapper}) and the event class with the codec that encodes events in
 * replies. Sender and owner must use equal types.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name the type's name, 1 to 64 characters
 * @param commandClass the commands' class (a sealed interface with Jackson type info, or a record)
 * @param eventClass the common class of the events
 * @param codec encodes and decodes the events
 * @param json writes and reads the commands
 * @param <E> the event type
 * @param <C> the command type
 */
public record ActorType<E, C>(String name, Class<C> commandClass, Class<E> eventClass,
    EventCodec codec, ObjectMapper json) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the name is empty or longer than 64 characters
   * @throws NullPointerException if a field is null
   */
  public ActorType {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 64) {
      throw new IllegalArgumentException("an actor type name has 1 to 64 characters, got '"
          + name + "'");
    }
    Objects.requireNonNull(commandClass, "commandClass");
    Objects.requireNonNull(eventClass, "eventClass");
    Objects.requireNonNull(codec, "codec");
    Objects.requireNonNull(json, "json");
  }

  /**
   * Returns a type whose commands are written with a plain {@link ObjectMapper}.
   *
   * @param name the type's name
   * @param commandClass the commands' class
   * @param eventClass the events' class
   * @param codec the event codec
   * @param <E> the event type
   * @param <C> the command type
   * @return the type
   * @throws IllegalArgumentException if the name is empty or longer than 64 characters
   * @throws NullPointerException if an argument is null
   */
  public static <E, C> ActorType<E, C> of(String name, Class<C> commandClass, Class<E> eventClass,
      EventCodec codec) {
    return new ActorType<>(name, commandClass, eventClass, codec, new ObjectMapper());
  }
}
