package one.flowmade.aether.jetstream;

import io.nats.client.impl.Headers;
import io.nats.client.support.NatsJetStreamConstants;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;
import one.flowmade.aether.nats.TokenEncoding;
import org.jspecify.annotations.Nullable;

/**
 * Maps events to JetStream messages in CloudEvents binary mode and back, with the mapping the
 * whole of Aether shares ({@link CloudEventHeaders}), so the NATS bus reads what the store writes.
 *
 * <p>Each event is one message on {@code aether.ev.<ns>.<actor>.<type>}: the body is the event's
 * data, and the attributes are {@code ce-} headers ({@code ce-specversion: 1.0}, {@code ce-id},
 * {@code ce-source: aether/<ns>}, {@code ce-type}, {@code ce-subject} (the actor id), {@code
 * ce-time} (RFC 3339), {@code ce-datacontenttype}, the extension {@code ce-aetherversion} and one
 * {@code ce-<key>} per metadata entry), percent-encoded as the CloudEvents NATS protocol binding
 * (3.1.3.2) requires. The store adds only {@code Nats-Msg-Id} (the event id, for JetStream's
 * duplicate detection). It writes no {@code Content-Type}: in the binding, {@code datacontenttype}
 * is carried by {@code ce-datacontenttype} and {@code Content-Type} is what tells a structured-mode
 * message apart. Messages written before (which carry {@code Content-Type} as well, and possibly no
 * {@code ce-datacontenttype}) still decode: the content type then comes from {@code Content-Type}.
 * Stateless.
 */
final class CloudEventMapping {

  static final String CONTENT_TYPE = "Content-Type";
  private static final String EVENT_ROOT = SubjectLayout.ROOT + '.' + SubjectLayout.EVENTS + '.';

  private CloudEventMapping() {}

  static Headers headers(Namespace namespace, String actorId, long version, NewEvent event) {
    Headers h = new Headers();
    CloudEventHeaders.encode(namespace, event.id(), event.type(), actorId, version,
        event.timestamp(), event.metadata(), event.data().contentType(), h::put);
    h.put(NatsJetStreamConstants.MSG_ID_HDR, event.id());
    return h;
  }

  /** Returns the (encoded) event id a message carries, or null; cheap, for read-backs. */
  static String rawId(StoredMessage message) {
    return message.header(CloudEventHeaders.ID);
  }

  static String encodedId(NewEvent event) {
    return CloudEventHeaders.encodeValue(event.id());
  }

  /**
   * Decodes a stored message: its id, type, actor id, version and data now, in one pass over the
   * headers ({@link CloudEventHeaders#decodeStored}), its timestamp and metadata when the caller
   * first asks ({@link Event}).
   *
   * @throws DecodingException if it is not a well-formed Aether event of this namespace; a
   *     malformed {@code ce-time} or metadata header throws from {@link Event#timestamp()} or
   *     {@link Event#metadata()} instead, naming the position and the header
   */
  static Event decode(Namespace namespace, StoredMessage message) {
    String subject = message.subject();
    int actorStart = actorTokenStart(namespace, subject);
    int typeStart = actorStart < 0 ? -1 : subject.indexOf('.', actorStart) + 1;
    if (typeStart <= actorStart + 1 || typeStart == subject.length()
        || subject.indexOf('.', typeStart) >= 0) {
      throw undecodable(message, subject.startsWith(EVENT_ROOT)
          ? "its subject is not an event subject of namespace '" + namespace + "'"
          : "its subject is not an Aether event subject", null);
    }
    try {
      Event event = CloudEventHeaders.decodeStored(message.headers(), message.data(),
          message.sequence());
      if (!TokenEncoding.decode(subject.substring(typeStart)).equals(event.type())
          || !TokenEncoding.decode(subject.substring(actorStart, typeStart - 1))
              .equals(event.actorId())) {
        throw undecodable(message, "headers " + CloudEventHeaders.TYPE + " and "
            + CloudEventHeaders.SUBJECT + " do not match the subject", null);
      }
      return event;
    } catch (DecodingException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      String why = e.getMessage();
      throw undecodable(message, why == null ? e.toString() : why, e);
    }
  }

  /**
   * Returns where the actor token starts if the subject is {@code aether.ev.<namespace>.…}, else
   * -1; no allocation.
   */
  private static int actorTokenStart(Namespace namespace, String subject) {
    String ns = namespace.name();
    int prefix = EVENT_ROOT.length();
    if (!subject.startsWith(EVENT_ROOT) || !subject.startsWith(ns, prefix)
        || subject.length() <= prefix + ns.length()
        || subject.charAt(prefix + ns.length()) != '.') {
      return -1;
    }
    return prefix + ns.length() + 1;
  }

  private static DecodingException undecodable(StoredMessage message, String why,
      @Nullable Throwable cause) {
    return new DecodingException("message at position " + message.sequence() + " on '"
        + message.subject() + "' is not an Aether event: " + why, cause);
  }
}
