package one.flowmade.aether.benchmarks.nats;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.util.Map;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.NewEvent;
import one.flowmade.aether.nats.SubjectLayout;

/**
 * The messages the raw-jnats baselines publish: what a careful hand-written program would send
 * for the same event, with the same subject and the same header names as the JetStream store
 * writes (CloudEvents binary mode, message id for de-duplication, expected last subject sequence
 * on the actor's subjects), but without validation or escaping. Stateless and thread-safe.
 */
public final class RawMessages {

  /** The optimistic-concurrency header. */
  public static final String EXPECTED_SEQ = "Nats-Expected-Last-Subject-Sequence";
  /** The subject filter the expected sequence applies to. */
  public static final String EXPECTED_SEQ_SUBJECT = "Nats-Expected-Last-Subject-Sequence-Subject";

  private RawMessages() {}

  /**
   * Returns the message for one stored event.
   *
   * @param namespace the namespace
   * @param actorId the actor, plain (no escaping needed)
   * @param version the actor's version after the event
   * @param expectedSequence the sequence of the actor's last message, 0 for none
   * @param event the event
   * @return the message
   */
  public static Message event(Namespace namespace, String actorId, long version,
      long expectedSequence, NewEvent event) {
    Headers h = new Headers();
    h.put("ce-specversion", "1.0");
    h.put("ce-id", event.id());
    h.put("ce-source", "aether/" + namespace.name());
    h.put("ce-type", event.type());
    h.put("ce-subject", actorId);
    h.put("ce-time", event.timestamp().toString());
    h.put("ce-datacontenttype", event.data().contentType());
    h.put("ce-aetherversion", Long.toString(version));
    for (Map.Entry<String, String> e : event.metadata().asMap().entrySet()) {
      h.put("ce-" + e.getKey(), e.getValue());
    }
    h.put("Nats-Msg-Id", event.id());
    h.put(EXPECTED_SEQ, Long.toString(expectedSequence));
    h.put(EXPECTED_SEQ_SUBJECT, SubjectLayout.actorEvents(namespace, actorId));
    return NatsMessage.builder()
        .subject(SubjectLayout.eventSubject(namespace, actorId, event.type()))
        .headers(h)
        .data(event.data().toByteArray())
        .build();
  }

  /**
   * Returns a core NATS message of a bus event: CloudEvents headers, no JetStream headers.
   *
   * @param subject the subject
   * @param actorId the actor
   * @param event the event
   * @return the message
   */
  public static Message busEvent(String subject, String actorId, NewEvent event) {
    Headers h = new Headers();
    h.put("ce-specversion", "1.0");
    h.put("ce-id", event.id());
    h.put("ce-source", "/aether/bench");
    h.put("ce-type", event.type());
    h.put("ce-subject", actorId);
    h.put("ce-time", event.timestamp().toString());
    h.put("ce-datacontenttype", event.data().contentType());
    for (Map.Entry<String, String> e : event.metadata().asMap().entrySet()) {
      h.put("ce-" + e.getKey(), e.getValue());
    }
    return NatsMessage.builder().subject(subject).headers(h)
        .data(event.data().toByteArray()).build();
  }
}
