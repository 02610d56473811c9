package one.flowmade.aether.codec;

import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.Payload;

/**
 * Turns typed events into stored data and back, upcasting old shapes on the way in.
 *
 * <p>Implementations are thread-safe. {@link JacksonEventCodec} is the default; plug in another by
 * implementing this interface.
 */
public interface EventCodec {

  /**
   * Returns the type name under which an event of this class is stored.
   *
   * @param eventClass a registered class
   * @return its type name
   * @throws IllegalArgumentException if the class is not registered
   */
  String typeOf(Class<?> eventClass);

  /**
   * Encodes an event's data.
   *
   * @param event a typed event of a registered class
   * @return the data
   * @throws IllegalArgumentException if the class is not registered or the event cannot be
   *     encoded
   */
  Payload encode(Object event);

  /**
   * Decodes stored data of a type into the current typed event, upcasting older types or shapes
   * first.
   *
   * @param type the stored type name
   * @param data the stored data
   * @return the typed event
   * @throws UnknownEventTypeException if no class is registered for the (upcast) type
   * @throws DecodingException if the data cannot be decoded
   */
  Object decode(String type, Payload data);

  /**
   * Returns a {@link NewEvent} carrying the encoded event under its type name.
   *
   * @param event a typed event of a registered class
   * @return the event to append
   */
  default NewEvent toNewEvent(Object event) {
    return NewEvent.of(typeOf(event.getClass()), encode(event));
  }

  /**
   * Decodes a stored event's data.
   *
   * @param event the stored event
   * @return the typed event
   * @throws DecodingException if it cannot be decoded
   */
  default Object decode(Event event) {
    return decode(event.type(), event.data());
  }
}
