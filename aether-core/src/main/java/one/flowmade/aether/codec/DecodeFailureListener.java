package one.flowmade.aether.codec;

import one.flowmade.aether.UndecodableEvent;

/**
 * Told about every stored event that could not be decoded, with its position, raw bytes and
 * cause. Called on the reading thread; must be thread-safe and must not block for long.
 */
@FunctionalInterface
public interface DecodeFailureListener {

  /**
   * Reports one event that could not be decoded.
   *
   * @param undecodable the event's position, source, raw bytes and the cause
   */
  void onDecodeFailure(UndecodableEvent undecodable);

  /**
   * Returns a listener that does nothing beyond the warning every reader logs.
   *
   * @return the listener
   */
  static DecodeFailureListener none() {
    return undecodable -> { };
  }
}
