package one.flowmade.aether.internal;

import java.time.Instant;
import java.util.Objects;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Metadata;
import one.flowmade.aether.Payload;
import org.jspecify.annotations.Nullable;

/**
 * Builds stored {@link Event}s whose timestamp and metadata are decoded when a caller first
 * asks for them. For decoders of Aether's wire format only (this package is exported to Aether's
 * modules alone). Thread-safe.
 */
public final class LazyEvents {

  /**
   * The undecoded part of a stored event. Each method is called at most a few times (once per
   * racing thread) and must return the same value every time, or throw a {@link
   * DecodingException} naming the event's position and the malformed field every time. Must be
   * safe to call from any thread.
   */
  public interface Source {
    /**
     * Decodes the timestamp.
     *
     * @return the timestamp, never null
     * @throws DecodingException if it is malformed
     */
    Instant timestamp();

    /**
     * Decodes the metadata.
     *
     * @return the metadata, never null
     * @throws DecodingException if it is malformed
     */
    Metadata metadata();
  }

  /** Makes lazy events; installed by {@link Event}'s class initialisation. */
  @FunctionalInterface
  public interface Factory {
    /**
     * Makes a lazy event.
     *
     * @param id the id
     * @param type the type
     * @param actorId the actor id
     * @param version the version
     * @param position the position
     * @param data the data
     * @param source the rest
     * @return the event
     */
    Event make(String id, String type, String actorId, long version, long position,
        Payload data, Source source);
  }

  /** Makes payloads without copying the bytes; installed by {@link Payload}. */
  @FunctionalInterface
  public interface PayloadFactory {
    /**
     * Wraps bytes.
     *
     * @param bytes the bytes, owned by the payload from now on
     * @param contentType a checked content type
     * @return the payload
     */
    Payload wrap(byte[] bytes, String contentType);
  }

  // Set by the static initialisers of Event and Payload; read after forcing them to run.
  private static volatile @Nullable Factory factory;
  private static volatile @Nullable PayloadFactory payloads;

  private LazyEvents() {}

  /**
   * Called once by {@link Event}'s static initialiser.
   *
   * @param eventFactory its private lazy constructor
   */
  public static void install(Factory eventFactory) {
    if (factory != null) {
      throw new IllegalStateException("already installed");
    }
    factory = Objects.requireNonNull(eventFactory, "eventFactory");
  }

  /**
   * Called once by {@link Payload}'s static initialiser.
   *
   * @param payloadFactory its private constructor
   */
  public static void install(PayloadFactory payloadFactory) {
    if (payloads != null) {
      throw new IllegalStateException("already installed");
    }
    payloads = Objects.requireNonNull(payloadFactory, "payloadFactory");
  }

  /**
   * Returns a stored event whose id, type, actor id, version, position and data are checked now
   * and whose timestamp and metadata come from {@code source} when first read.
   *
   * @param id the event id
   * @param type the event type
   * @param actorId the actor id
   * @param version the version, from 1
   * @param position the position, from 1
   * @param data the data
   * @param source decodes the timestamp and the metadata
   * @return the event
   * @throws IllegalArgumentException if a field given here is invalid
   */
  public static Event event(String id, String type, String actorId, long version, long position,
      Payload data, Source source) {
    Factory f = factory;
    if (f == null) {
      initialise(Event.class);
      f = Objects.requireNonNull(factory, "Event's static initialiser installs the factory");
    }
    return f.make(id, type, actorId, version, position, data, source);
  }

  /**
   * Returns a payload that takes {@code bytes} over without copying them: the caller must never
   * change them afterwards.
   *
   * @param bytes the data
   * @param contentType its media type
   * @return the payload
   * @throws IllegalArgumentException if the content type is blank or not printable ASCII
   */
  public static Payload wrap(byte[] bytes, String contentType) {
    PayloadFactory f = payloads;
    if (f == null) {
      initialise(Payload.class);
      f = Objects.requireNonNull(payloads, "Payload's static initialiser installs the factory");
    }
    return f.wrap(Objects.requireNonNull(bytes, "bytes"), contentType);
  }

  private static void initialise(Class<?> type) {
    try {
      Class.forName(type.getName(), true, type.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(e);
    }
  }
}
