package one.flowmade.aether.jetstream;

import static io.nats.client.support.NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_HDR;
import static io.nats.client.support.NatsJetStreamConstants.EXPECTED_LAST_SUB_SEQ_SUB_HDR;
import static io.nats.client.support.NatsJetStreamConstants.NATS_BATCH_COMMIT_HDR;
import static io.nats.client.support.NatsJetStreamConstants.NATS_BATCH_ID_HDR;
import static io.nats.client.support.NatsJetStreamConstants.NATS_BATCH_SEQUENCE_HDR;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import one.flowmade.aether.Limits;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.nats.CloudEventHeaders;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The messages of an append: checks the events (count, unique ids, size against the server's
 * max payload) and builds each event's CloudEvents headers once; then, per publish attempt, copies
 * them with the actor's version and the control headers ({@code Nats-Expected-Last-Subject-Sequence}
 * on the first message, ADR-50 batch headers when there are several). Immutable, thread-safe.
 */
final class AppendMessages {

  // The header names are jnats's (NatsJetStreamConstants); the commit value is ADR-50's.
  private static final String BATCH_COMMIT_VALUE = "1";
  /** The length of a random UUID's string form, the batch id. */
  private static final int UUID_LENGTH = 36;

  private final Namespace namespace;
  private final String actorId;
  private final String filter;
  private final List<NewEvent> events;
  /**
   * Each event's headers, built once with a placeholder version; never modified, copied for
   * every publish attempt.
   */
  private final List<Headers> templates;

  private AppendMessages(Namespace namespace, String actorId, String filter,
      List<NewEvent> events, List<Headers> templates) {
    this.namespace = namespace;
    this.actorId = actorId;
    this.filter = filter;
    this.events = events;
    this.templates = templates;
  }

  List<NewEvent> events() {
    return events;
  }

  /**
   * Checks the events and builds each one's headers once, with the longest possible version;
   * {@link #messages} copies them per attempt, setting the real version and the
   * per-attempt control headers. The size check adds the longest possible control headers
   * arithmetically instead of building them.
   */
  static AppendMessages validate(Namespace namespace, String actorId, List<NewEvent> events,
      long maxPayload) {
    Objects.requireNonNull(events, "events");
    if (events.isEmpty() || events.size() > Limits.MAX_EVENTS_PER_APPEND) {
      throw new IllegalArgumentException("an append takes 1 to " + Limits.MAX_EVENTS_PER_APPEND
          + " events, got " + events.size());
    }
    List<NewEvent> copy = List.copyOf(events);
    Set<String> ids = new HashSet<>();
    String filter = SubjectLayout.actorEvents(namespace, actorId);
    long control = headerLength(EXPECTED_LAST_SUB_SEQ_HDR, Long.toString(Long.MAX_VALUE).length())
        + headerLength(EXPECTED_LAST_SUB_SEQ_SUB_HDR, filter.length())
        + headerLength(NATS_BATCH_ID_HDR, UUID_LENGTH)
        + headerLength(NATS_BATCH_SEQUENCE_HDR, Integer.toString(Limits.MAX_EVENTS_PER_APPEND).length())
        + headerLength(NATS_BATCH_COMMIT_HDR, BATCH_COMMIT_VALUE.length());
    List<Headers> templates = new ArrayList<>(copy.size());
    for (int i = 0; i < copy.size(); i++) {
      NewEvent event = copy.get(i);
      if (!ids.add(event.id())) {
        throw new IllegalArgumentException("event id '" + event.id()
            + "' occurs more than once in the append; event ids must be unique");
      }
      Headers headers = CloudEventMapping.headers(namespace, actorId, Long.MAX_VALUE, event);
      long size = headers.serializedLength() + control + event.data().size();
      if (size > maxPayload) {
        throw new IllegalArgumentException("event " + (i + 1) + " of " + copy.size() + " (id '"
            + event.id() + "', type '" + event.type() + "') is " + size + " bytes with its"
            + " headers (" + event.data().size() + " bytes of data); the server accepts at most "
            + maxPayload + " bytes per message");
      }
      templates.add(headers);
    }
    return new AppendMessages(namespace, actorId, filter, copy, templates);
  }

  /** The serialized length of one header line, {@code name:value\r\n}, as jnats counts it. */
  private static long headerLength(String name, int valueLength) {
    return name.length() + 1L + valueLength + 2L;
  }

  /** The messages of one publish attempt on top of {@code base}. */
  List<Message> messages(ActorEnd base) {
    int n = events.size();
    String batchId = n > 1 ? UUID.randomUUID().toString() : null;
    List<Message> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      NewEvent event = events.get(i);
      // put (never add) on the copy: it replaces the value lists shared with the template
      Headers headers = new Headers(templates.get(i));
      headers.put(CloudEventHeaders.ACTOR_VERSION, Long.toString(base.version() + i + 1));
      if (i == 0) {
        headers.put(EXPECTED_LAST_SUB_SEQ_HDR, Long.toString(base.sequence()));
        headers.put(EXPECTED_LAST_SUB_SEQ_SUB_HDR, filter);
      }
      if (batchId != null) {
        headers.put(NATS_BATCH_ID_HDR, batchId);
        headers.put(NATS_BATCH_SEQUENCE_HDR, Integer.toString(i + 1));
        if (i == n - 1) {
          headers.put(NATS_BATCH_COMMIT_HDR, BATCH_COMMIT_VALUE);
        }
      }
      messages.add(NatsMessage.builder()
          .subject(SubjectLayout.eventSubject(namespace, actorId, event.type()))
          .headers(headers)
          .data(event.data().toByteArray())
          .build());
    }
    return messages;
  }
}
