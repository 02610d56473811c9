package one.flowmade.aether.jetstream;

import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsJetStreamMetaData;

/**
 * A message as stored in a stream, whichever API returned it. Headers may be empty, never null.
 */
record StoredMessage(String subject, long sequence, Headers headers, byte[] data) {

  private static final byte[] NO_DATA = new byte[0];

  StoredMessage {
    headers = headers == null ? new Headers() : headers;
    data = data == null ? NO_DATA : data;
  }

  static StoredMessage of(MessageInfo info) {
    return new StoredMessage(info.getSubject(), info.getSeq(), info.getHeaders(), info.getData());
  }

  static StoredMessage of(Message message) {
    NatsJetStreamMetaData meta = message.metaData();
    return new StoredMessage(message.getSubject(), meta.streamSequence(), message.getHeaders(),
        message.getData());
  }

  String header(String name) {
    return headers.getFirst(name);
  }
}
