package one.flowmade.aether.nats;

import java.util.Objects;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;

/**
 * Where Aether's events live on NATS, shared by the JetStream store and the NATS bus so that an
 * event appended to the store reaches bus subscribers without a second publish.
 *
 * <ul>
 *   <li>Stored events: {@code aether.ev.<namespace>.<actor>.<type>}, captured by the namespace's
 *       stream {@code AETHER_<namespace>} (subjects {@code aether.ev.<namespace>.>}).
 *   <li>Events on the bus: {@code aether.bus.<namespace>.<actor>.<type>}, which no stream
 *       captures: events published on the bus only, and the stored events the namespace's stream
 *       republishes (below).
 * </ul>
 *
 * <p>Bus subscribers must see exactly the events the stream stored, once each: a core NATS
 * subscriber of {@code aether.ev.…} would also see append attempts the stream rejected (version
 * conflicts) and retries it de-duplicated. So the namespace's stream republishes every message it
 * stores (JetStream RePublish, {@link #allEvents} to {@link #allBusEvents}), and the republished
 * copy, with the original headers plus {@code Nats-Stream} and {@code Nats-Sequence} (the
 * position), is what NATS bus subscribers receive on {@code aether.bus.<namespace>.<actor>.<type>}.
 *
 * <p>{@code <actor>} and {@code <type>} are single tokens made by {@link TokenEncoding}, so an
 * actor's events are exactly {@code aether.ev.<namespace>.<actor>.*}, a type's events are exactly
 * {@code aether.ev.<namespace>.*.<type>}, and one namespace's subjects never match another's.
 *
 * <p>Stateless and thread-safe.
 */
public final class SubjectLayout {

  /** The first token of every Aether subject. */
  public static final String ROOT = "aether";
  /** The second token of stored events' subjects. */
  public static final String EVENTS = "ev";
  /** The second token of bus-only events' subjects. */
  public static final String BUS = "bus";

  private SubjectLayout() {}

  /**
   * Returns the name of a namespace's event stream.
   *
   * @param namespace the namespace
   * @return {@code AETHER_<namespace>}
   */
  public static String streamName(Namespace namespace) {
    return "AETHER_" + namespace.name();
  }

  /**
   * Returns the subject of a stored event.
   *
   * @param namespace the namespace
   * @param actorId the actor id
   * @param type the event type
   * @return {@code aether.ev.<namespace>.<actor>.<type>}
   */
  public static String eventSubject(Namespace namespace, String actorId, String type) {
    return prefix(EVENTS, namespace) + actorToken(actorId) + '.' + typeToken(type);
  }

  /**
   * Returns the subject of an event published on the bus only.
   *
   * @param namespace the namespace
   * @param actorId the actor id
   * @param type the event type
   * @return {@code aether.bus.<namespace>.<actor>.<type>}
   */
  public static String busSubject(Namespace namespace, String actorId, String type) {
    return prefix(BUS, namespace) + actorToken(actorId) + '.' + typeToken(type);
  }

  /**
   * Returns the filter that matches every stored event of a namespace (the stream's subject).
   *
   * @param namespace the namespace
   * @return {@code aether.ev.<namespace>.>}
   */
  public static String allEvents(Namespace namespace) {
    return prefix(EVENTS, namespace) + '>';
  }

  /**
   * Returns the filter that matches every bus subject of a namespace: events published on the bus
   * and stored events the namespace's stream republishes (the stream's RePublish destination for
   * the source {@link #allEvents}).
   *
   * @param namespace the namespace
   * @return {@code aether.bus.<namespace>.>}
   */
  public static String allBusEvents(Namespace namespace) {
    return prefix(BUS, namespace) + '>';
  }

  /**
   * Returns the filter that matches every stored event of one actor.
   *
   * @param namespace the namespace
   * @param actorId the actor id
   * @return {@code aether.ev.<namespace>.<actor>.*}
   */
  public static String actorEvents(Namespace namespace, String actorId) {
    return prefix(EVENTS, namespace) + actorToken(actorId) + ".*";
  }

  /**
   * Returns the filter that matches every stored event of one type.
   *
   * @param namespace the namespace
   * @param type the event type
   * @return {@code aether.ev.<namespace>.*.<type>}
   */
  public static String typeEvents(Namespace namespace, String type) {
    return prefix(EVENTS, namespace) + "*." + typeToken(type);
  }

  /**
   * Returns the encoded token of an actor id.
   *
   * @param actorId the actor id
   * @return its token
   * @throws IllegalArgumentException if the actor id is invalid
   */
  public static String actorToken(String actorId) {
    return TokenEncoding.encode(Limits.checkActorId(actorId));
  }

  /**
   * Returns the encoded token of an event type.
   *
   * @param type the event type
   * @return its token
   * @throws IllegalArgumentException if the type is invalid
   */
  public static String typeToken(String type) {
    return TokenEncoding.encode(Limits.checkEventType(type));
  }

  /**
   * Parses a stored or bus event subject.
   *
   * @param subject a subject made by {@link #eventSubject} or {@link #busSubject}
   * @return its parts, decoded
   * @throws IllegalArgumentException if it is not such a subject
   */
  public static Parsed parse(String subject) {
    Objects.requireNonNull(subject, "subject");
    String[] tokens = subject.split("\\.", -1);
    if (tokens.length != 5 || !ROOT.equals(tokens[0])
        || !(EVENTS.equals(tokens[1]) || BUS.equals(tokens[1]))) {
      throw new IllegalArgumentException("'" + subject + "' is not an Aether event subject");
    }
    return new Parsed(EVENTS.equals(tokens[1]), Namespace.of(tokens[2]),
        TokenEncoding.decode(tokens[3]), TokenEncoding.decode(tokens[4]));
  }

  /**
   * The parts of an event subject.
   *
   * @param stored true for a stored event, false for a bus-only one
   * @param namespace the namespace
   * @param actorId the decoded actor id
   * @param type the decoded event type
   */
  public record Parsed(boolean stored, Namespace namespace, String actorId, String type) {}

  private static String prefix(String kind, Namespace namespace) {
    return ROOT + '.' + kind + '.' + Objects.requireNonNull(namespace, "namespace").name() + '.';
  }
}
