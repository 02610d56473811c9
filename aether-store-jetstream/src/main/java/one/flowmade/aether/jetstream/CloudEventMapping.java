package one.flowmade.aether.jetstream;

import io.nats.client.impl.Headers;
import java.util.List;
import one.flowmade.aether.DecodingException;
import one.flowmade.aether.Event;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;

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
  static final String MSG_ID = "Nats-Msg-Id";

  private CloudEventMapping() {}

  static Headers headers(Namespace namespace, String actorId, long version, NewEvent event) {
    Headers h = new Headers();
    CloudEventHeaders.encode(namespace, event.id(), event.type(), actorId, version,
        event.timestamp(), event.metadata(), event.data().contentType(), h::put);
    h.put(MSG_ID, event.id());
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
   * Decodes a stored message.
   *
   * @throws DecodingException if it is not a well-formed Aether event of this namespace
   */
  static Event decode(Namespace namespace, StoredMessage message) {
    SubjectLayout.Parsed parsed;
    try {
      parsed = SubjectLayout.parse(message.subject());
    } catch (IllegalArgumentException e) {
      throw undecodable(message, "its subject is not an Aether event subject", e);
    }
    if (!parsed.stored() || !parsed.namespace().equals(namespace)) {
      throw undecodable(message, "its subject is not an event subject of namespace '"
          + namespace + "'", null);
    }
    Headers headers = message.headers();
    try {
      CloudEventHeaders.Attributes attributes =
          CloudEventHeaders.decode(headers.keySet(), headers::getFirst);
      if (!attributes.type().equals(parsed.type())
          || !attributes.actorId().equals(parsed.actorId())) {
        throw undecodable(message, "headers " + CloudEventHeaders.TYPE + " and "
            + CloudEventHeaders.SUBJECT + " do not match the subject", null);
      }
      if (!headers.containsKeyIgnoreCase(CloudEventHeaders.DATA_CONTENT_TYPE)) {
        List<String> contentType = headers.getIgnoreCase(CONTENT_TYPE);
        if (contentType != null && !contentType.isEmpty()) {
          attributes = new CloudEventHeaders.Attributes(attributes.id(), attributes.source(),
              attributes.type(), attributes.actorId(), attributes.timestamp(),
              CloudEventHeaders.decodeValue(CONTENT_TYPE, contentType.get(0)),
              attributes.version(), attributes.metadata());
        }
      }
      return attributes.toEvent(message.data(), message.sequence());
    } catch (DecodingException e) {
      throw e;
    } catch (IllegalArgumentException | NullPointerException e) {
      throw undecodable(message, e.getMessage(), e);
    }
  }

  private static DecodingException undecodable(StoredMessage message, String why,
      Throwable cause) {
    return new DecodingException("message at position " + message.sequence() + " on '"
        + message.subject() + "' is not an Aether event: " + why, cause);
  }
}
