package one.flowmade.aether;

import java.util.Objects;

/**
 * A stored message that could not be decoded into an {@link Event}, or an event whose data could
 * not be decoded: reported to the reader, which goes on past it.
 *
 * <p>Immutable and thread-safe.
 *
 * @param position the message's position in the namespace (0 if not known)
 * @param source where it was read from, such as the NATS subject or the actor id
 * @param raw the raw bytes as stored
 * @param cause why it could not be decoded
 */
public record UndecodableEvent(long position, String source, Payload raw, Throwable cause) {

  /**
   * Checks the fields.
   *
   * @throws NullPointerException if a field is null
   */
  public UndecodableEvent {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(raw, "raw");
    Objects.requireNonNull(cause, "cause");
  }

  @Override
  public String toString() {
    return "UndecodableEvent[position=" + position + ", source=" + source + ", " + raw.size()
        + " bytes, cause=" + cause + "]";
  }
}
