package one.flowmade.aether.codec;

import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Payload;

/**
 * Turns an actor's state into snapshot data and back. Implementations are thread-safe.
 *
 * @param <S> the state type
 */
public interface StateCodec<S> {

  /**
   * Encodes a state.
   *
   * @param state the state
   * @return the data
   */
  Payload encode(S state);

  /**
   * Decodes a state.
   *
   * @param data data made by {@link #encode}
   * @return the state
   * @throws DecodingException if the data cannot be decoded
   */
  S decode(Payload data);
}
