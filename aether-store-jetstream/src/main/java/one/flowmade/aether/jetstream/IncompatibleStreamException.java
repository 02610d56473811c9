package one.flowmade.aether.jetstream;

import java.util.List;
import java.util.Objects;
import one.flowmade.aether.AetherNonTransientException;

/**
 * A stream or bucket that a JetStream store would adopt already exists with a configuration the
 * store cannot use or that differs from what the builder asked for. The store never changes such
 * a stream itself in a way that could lose data; the message names every difference, so an
 * operator can change the stream (for example with {@code nats stream edit}) or the builder.
 */
public final class IncompatibleStreamException extends AetherNonTransientException {

  private static final long serialVersionUID = 1L;

  /** The stream that cannot be adopted. */
  private final String streamName;
  /** One entry per setting that differs. */
  private final String[] differences;

  /**
   * Creates the exception.
   *
   * @param streamName the stream that cannot be adopted
   * @param differences each difference: the setting, what was found and what is required; at
   *     least one
   * @throws NullPointerException if {@code streamName}, {@code differences} or one of its
   *     entries is null
   * @throws IllegalArgumentException if {@code differences} is empty
   */
  public IncompatibleStreamException(String streamName, List<String> differences) {
    super("stream '" + Objects.requireNonNull(streamName, "streamName") + "' exists with a"
        + " configuration this store cannot adopt: " + String.join("; ", checked(differences))
        + ". Nothing was changed; edit the stream or the store's configuration", null);
    this.streamName = streamName;
    this.differences = differences.toArray(new String[0]);
  }

  private static List<String> checked(List<String> differences) {
    Objects.requireNonNull(differences, "differences");
    if (differences.isEmpty()) {
      throw new IllegalArgumentException("differences must name at least one setting, was empty");
    }
    for (int i = 0; i < differences.size(); i++) {
      Objects.requireNonNull(differences.get(i), "differences[" + i + "]");
    }
    return differences;
  }

  /**
   * Returns the name of the stream.
   *
   * @return the stream name
   */
  public String streamName() {
    return streamName;
  }

  /**
   * Returns the differences found, one per setting.
   *
   * @return the differences, never empty
   */
  public List<String> differences() {
    return List.of(differences);
  }
}
