package one.flowmade.aether.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.function.UnaryOperator;
import one.flowmade.aether.Limits;

/**
 * Turns stored JSON of an old event type into the JSON of a newer type. Upcasters chain: a v1
 * event is upcast to v2, then v2 to v3, until no upcaster applies, and the result is decoded into
 * the class registered for the final type. Stored events are never changed.
 *
 * <p>Implementations must be thread-safe and side-effect free.
 */
public interface JsonUpcaster {

  /**
   * Returns the type this upcaster reads.
   *
   * @return the old type name
   */
  String fromType();

  /**
   * Returns the type this upcaster produces; it differs from {@link #fromType()}, so chains end.
   *
   * @return the new type name
   */
  String toType();

  /**
   * Upcasts one event's JSON.
   *
   * @param json the old JSON object (may be modified and returned)
   * @return the new JSON object
   */
  ObjectNode upcast(ObjectNode json);

  /**
   * Returns an upcaster from a function.
   *
   * @param fromType the old type name
   * @param toType the new type name, different from {@code fromType}
   * @param upcast the conversion
   * @return the upcaster
   * @throws IllegalArgumentException if a type name is invalid or both are equal
   */
  static JsonUpcaster of(String fromType, String toType, UnaryOperator<ObjectNode> upcast) {
    Limits.checkEventType(fromType);
    Limits.checkEventType(toType);
    Objects.requireNonNull(upcast, "upcast");
    if (fromType.equals(toType)) {
      throw new IllegalArgumentException("an upcaster must change the type name; both are '"
          + fromType + "'");
    }
    return new JsonUpcaster() {
      @Override
      public String fromType() {
        return fromType;
      }

      @Override
      public String toType() {
        return toType;
      }

      @Override
      public ObjectNode upcast(ObjectNode json) {
        return upcast.apply(json);
      }

      @Override
      public String toString() {
        return "JsonUpcaster[" + fromType + " -> " + toType + "]";
      }
    };
  }
}
