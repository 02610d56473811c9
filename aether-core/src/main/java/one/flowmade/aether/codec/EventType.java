package one.flowmade.aether.codec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the type under which an event class is stored. Without it, {@link JacksonEventCodec}
 * uses the class's simple name.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface EventType {

  /**
   * Returns the stored type name.
   *
   * @return the type name
   */
  String value();
}
