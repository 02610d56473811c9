package one.flowmade.aether.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Objects;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Payload;

/**
 * A {@link StateCodec} that writes the state as JSON through Jackson. Thread-safe.
 *
 * @param <S> the state type
 */
public final class JacksonStateCodec<S> implements StateCodec<S> {

  private final ObjectMapper mapper;
  private final Class<S> stateClass;

  private JacksonStateCodec(ObjectMapper mapper, Class<S> stateClass) {
    this.mapper = mapper;
    this.stateClass = stateClass;
  }

  /**
   * Returns a codec for a state class with {@link JacksonEventCodec#defaultMapper()}.
   *
   * @param stateClass the state class
   * @param <S> the state type
   * @return the codec
   */
  public static <S> JacksonStateCodec<S> of(Class<S> stateClass) {
    return of(JacksonEventCodec.defaultMapper(), stateClass);
  }

  /**
   * Returns a codec for a state class with a mapper of your own.
   *
   * @param mapper the mapper; it must not be reconfigured afterwards
   * @param stateClass the state class
   * @param <S> the state type
   * @return the codec
   */
  public static <S> JacksonStateCodec<S> of(ObjectMapper mapper, Class<S> stateClass) {
    return new JacksonStateCodec<>(Objects.requireNonNull(mapper, "mapper"),
        Objects.requireNonNull(stateClass, "stateClass"));
  }

  @Override
  public Payload encode(S state) {
    try {
      return Payload.json(mapper.writeValueAsBytes(state));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot encode state " + stateClass.getName()
          + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public S decode(Payload data) {
    try {
      return mapper.readValue(data.toByteArray(), stateClass);
    } catch (IOException e) {
      throw new DecodingException("cannot decode snapshot state into " + stateClass.getName()
          + ": " + e.getMessage(), e);
    }
  }
}
