// Reads every message of a JetStream stream with the nats client and decodes it as a CloudEvent
// in NATS binary content mode, independently of Aether: the header values are unquoted and
// percent-decoded as the CloudEvents NATS protocol binding (3.1.3.2) says, and the event is built
// and validated by the cloudevents SDK. Prints one JSON object per message on stdout.
// Usage: node read-events.mjs <nats-url> <stream>
import { connect } from "nats";
import { CloudEvent } from "cloudevents";

const [url, stream] = process.argv.slice(2);
if (!url || !stream) {
  console.error("usage: node read-events.mjs <nats-url> <stream>");
  process.exit(2);
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

// RFC 7230 3.2.6: a quoted-string with backslash escapes, accepted for older writers.
function unquote(value) {
  const v = value.trim();
  if (v.length < 2 || v[0] !== '"' || v[v.length - 1] !== '"') {
    return v;
  }
  let out = "";
  for (let i = 1; i < v.length - 1; i++) {
    out += v[i] === "\\" ? v[++i] : v[i];
  }
  return out;
}

// One round of percent-decoding; invalid UTF-8 (for example overlong forms) is rejected.
function percentDecode(value) {
  const bytes = [];
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "%") {
      const hex = value.substring(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) {
        throw new Error(`invalid percent escape in '${value}'`);
      }
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      for (const b of new TextEncoder().encode(c)) {
        bytes.push(b);
      }
    }
  }
  return utf8.decode(new Uint8Array(bytes));
}

const nc = await connect({ servers: url });
try {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(stream);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    const headers = {};
    const attributes = {};
    for (const key of m.header.keys()) {
      const value = m.header.get(key);
      headers[key] = value;
      const lower = key.toLowerCase();
      if (lower.startsWith("ce-")) {
        attributes[lower.substring(3)] = percentDecode(unquote(value));
      }
    }
    const contentType = Object.keys(headers).find((k) => k.toLowerCase() === "content-type");
    if (contentType && headers[contentType].toLowerCase().startsWith("application/cloudevents")) {
      throw new Error(`message ${seq} is in structured mode`);
    }
    // Strict: the SDK validates the spec version, required attributes, time and extension names.
    const event = new CloudEvent({ ...attributes, data_base64: Buffer.from(m.data).toString("base64") }, true);
    const json = event.toJSON();
    console.log(JSON.stringify({ seq: m.seq, subject: m.subject, headers, event: json }));
  }
} finally {
  await nc.close();
}
