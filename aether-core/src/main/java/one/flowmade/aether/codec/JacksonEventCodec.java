package one.flowmade.aether.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Payload;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link EventCodec}: JSON through Jackson, with event classes registered by type name
 * and {@link JsonUpcaster}s for old types and shapes.
 *
 * <pre>{@code
 * EventCodec codec = JacksonEventCodec.builder()
 *     .register(AccountOpened.class)                 // type "AccountOpened" or its @EventType
 *     .register("MoneyDeposited.v2", MoneyDeposited.class)
 *     .upcaster(JsonUpcaster.of("MoneyDeposited", "MoneyDeposited.v2",
 *         json -> json.put("currency", "EUR")))
 *     .build();
 * }</pre>
 *
 * <p>The default mapper writes {@code java.time} values as ISO-8601 text, reads floating-point
 * numbers in untyped positions ({@code Object}, maps) as {@link java.math.BigDecimal} so no
 * precision is lost, and ignores unknown properties so newer writers do not break older readers.
 * Declared field types (records, {@code long}, {@code BigDecimal}, {@code Instant}) survive a
 * round trip exactly.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class JacksonEventCodec implements EventCodec {

  private final ObjectMapper mapper;
  private final Map<String, Class<?>> classesByType;
  private final Map<Class<?>, String> typesByClass;
  private final Map<String, JsonUpcaster> upcastersByType;

  private JacksonEventCodec(Builder builder) {
    this.mapper = builder.mapper != null ? builder.mapper : defaultMapper();
    this.classesByType = Map.copyOf(builder.classesByType);
    this.typesByClass = Map.copyOf(builder.typesByClass);
    this.upcastersByType = Map.copyOf(builder.upcastersByType);
  }

  /**
   * Returns a new builder.
   *
   * @return the builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the mapper the default codec uses; a starting point for a customised one.
   *
   * @return a new, configured mapper
   */
  public static ObjectMapper defaultMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();
  }

  @Override
  public String typeOf(Class<?> eventClass) {
    String type = typesByClass.get(eventClass);
    if (type == null) {
      throw new IllegalArgumentException("event class " + eventClass.getName()
          + " is not registered with this codec; register it with builder().register(..)");
    }
    return type;
  }

  @Override
  public Payload encode(Object event) {
    Objects.requireNonNull(event, "event");
    typeOf(event.getClass());
    try {
      return Payload.json(mapper.writeValueAsBytes(event));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode " + event.getClass().getName()
          + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public Object decode(String type, Payload data) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(data, "data");
    String current = type;
    JsonUpcaster upcaster = upcastersByType.get(current);
    if (upcaster == null) {
      Class<?> target = classOrThrow(current);
      try {
        return mapper.readValue(data.toByteArray(), target);
      } catch (IOException e) {
        throw new DecodingException("cannot decode event of type '" + type + "' into "
            + target.getName() + ": " + e.getMessage(), e);
      }
    }
    ObjectNode json = readObject(type, data);
    while (upcaster != null) {
      try {
        json = Objects.requireNonNull(upcaster.upcast(json), "upcaster returned null");
      } catch (RuntimeException e) {
        throw new DecodingException("upcaster " + upcaster + " failed on an event of type '"
            + type + "': " + e.getMessage(), e);
      }
      current = upcaster.toType();
      upcaster = upcastersByType.get(current);
    }
    Class<?> target = classOrThrow(current);
    try {
      return mapper.treeToValue(json, target);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw new DecodingException("cannot decode event of type '" + type + "' (upcast to '"
          + current + "') into " + target.getName() + ": " + e.getMessage(), e);
    }
  }

  private Class<?> classOrThrow(String type) {
    Class<?> target = classesByType.get(type);
    if (target == null) {
      throw new UnknownEventTypeException(type);
    }
    return target;
  }

  private ObjectNode readObject(String type, Payload data) {
    try {
      JsonNode tree = mapper.readTree(data.toByteArray());
      if (tree instanceof ObjectNode object) {
        return object;
      }
      throw new DecodingException("event of type '" + type + "' is not a JSON object", null);
    } catch (IOException e) {
      throw new DecodingException("event of type '" + type + "' is not valid JSON: "
          + e.getMessage(), e);
    }
  }

  /** Builds a {@link JacksonEventCodec}. Not thread-safe; each input is checked when set. */
  public static final class Builder {
    private @Nullable ObjectMapper mapper;
    private final Map<String, Class<?>> classesByType = new HashMap<>();
    private final Map<Class<?>, String> typesByClass = new HashMap<>();
    private final Map<String, JsonUpcaster> upcastersByType = new HashMap<>();

    private Builder() {}

    /**
     * Uses this mapper instead of {@link #defaultMapper()}.
     *
     * @param mapper the mapper; it must not be reconfigured afterwards
     * @return this builder
     * @throws IllegalStateException if a mapper was already set
     */
    public Builder objectMapper(ObjectMapper mapper) {
      Objects.requireNonNull(mapper, "mapper");
      if (this.mapper != null) {
        throw new IllegalStateException("object mapper was already set");
      }
      this.mapper = mapper;
      return this;
    }

    /**
     * Registers an event class under its {@link EventType} name, or its simple name.
     *
     * @param eventClass the class
     * @return this builder
     * @throws IllegalArgumentException if that name is not a valid event type ({@link
     *     one.flowmade.aether.Limits}; an anonymous class has no simple name): annotate the class
     *     with {@link EventType} or use {@link #register(String, Class)}
     * @throws IllegalStateException if the class or the type is already registered
     */
    public Builder register(Class<?> eventClass) {
      Objects.requireNonNull(eventClass, "eventClass");
      EventType annotation = eventClass.getAnnotation(EventType.class);
      return register(annotation != null ? annotation.value() : eventClass.getSimpleName(),
          eventClass);
    }

    /**
     * Registers an event class under a type name.
     *
     * @param type the stored type name
     * @param eventClass the class
     * @return this builder
     * @throws IllegalArgumentException if the type name is invalid
     * @throws IllegalStateException if the class or the type is already registered
     */
    public Builder register(String type, Class<?> eventClass) {
      Limits.checkEventType(type);
      Objects.requireNonNull(eventClass, "eventClass");
      if (classesByType.containsKey(type)) {
        throw new IllegalStateException("type '" + type + "' is already registered to "
            + classesByType.get(type).getName());
      }
      if (typesByClass.containsKey(eventClass)) {
        throw new IllegalStateException(eventClass.getName() + " is already registered as '"
            + typesByClass.get(eventClass) + "'");
      }
      classesByType.put(type, eventClass);
      typesByClass.put(eventClass, type);
      return this;
    }

    /**
     * Adds an upcaster.
     *
     * @param upcaster the upcaster
     * @return this builder
     * @throws IllegalArgumentException if its source or target type is not a valid event type
     *     ({@link one.flowmade.aether.Limits})
     * @throws IllegalStateException if an upcaster for its source type exists, or it would close
     *     a cycle
     */
    public Builder upcaster(JsonUpcaster upcaster) {
      Objects.requireNonNull(upcaster, "upcaster");
      String from = Limits.checkEventType(upcaster.fromType());
      Limits.checkEventType(upcaster.toType());
      if (upcastersByType.containsKey(from)) {
        throw new IllegalStateException("an upcaster from type '" + from + "' is already set");
      }
      Set<String> seen = new HashSet<>();
      seen.add(from);
      for (String t = upcaster.toType(); t != null;
          t = upcastersByType.containsKey(t) ? upcastersByType.get(t).toType() : null) {
        if (!seen.add(t)) {
          throw new IllegalStateException("upcaster " + upcaster + " would close a cycle at '"
              + t + "'");
        }
      }
      upcastersByType.put(from, upcaster);
      return this;
    }

    /**
     * Builds the codec.
     *
     * @return the codec
     */
    public JacksonEventCodec build() {
      return new JacksonEventCodec(this);
    }
  }
}
