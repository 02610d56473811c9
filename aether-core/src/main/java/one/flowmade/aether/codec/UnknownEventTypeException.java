package one.flowmade.aether.codec;

import one.flowmade.aether.DecodingException;

/** No class is registered for a stored event type (after upcasting). */
public final class UnknownEventTypeException extends DecodingException {

  private static final long serialVersionUID = 1L;

  private final String type;

  /**
   * Creates the exception.
   *
   * @param type the type that has no registered class
   */
  public UnknownEventTypeException(String type) {
    super("no event class is registered for type '" + type + "'", null);
    this.type = type;
  }

  /**
   * Returns the unknown type.
   *
   * @return the type name
   */
  public String type() {
    return type;
  }
}
