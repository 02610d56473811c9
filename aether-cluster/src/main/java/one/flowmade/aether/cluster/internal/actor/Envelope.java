package one.flowmade.aether.cluster.internal.actor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import one.flowmade.aether.Metadata;
import org.jspecify.annotations.Nullable;

/**
 * The JSON of a hosted command and of its reply. A request is {@code {"type": <actor type>,
 * "command": <command JSON>, "commandId": <id or null>, "timeoutMillis": <n>, "traceparent":
 * <W3C trace context of the sender's span, optional>, "tracestate": <optional>}}; a reply is
 * {@code {"status": APPLIED|ALREADY_APPLIED|REJECTED|BUSY|MOVED|ERROR, "version": <n>, "events":
 * [{"type": <event type>, "contentType": <..>, "data": <UTF-8 text>}], "message": <text>, "node":
 * <node id>}}. Stateless and thread-safe.
 */
public final class Envelope {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The status of a reply from a node that does not run the command (it does not own the actor's
   * shard, or its host is closed): nothing was appended; send it again to the shard's owner.
   */
  public static final String MOVED = "MOVED";

  private Envelope() {}

  /** A decoded request. */
  public record Request(String type, JsonNode command, @Nullable String commandId,
      long timeoutMillis,
      Metadata trace) {}

  /** One event of a reply. */
  public record ReplyEvent(String type, String contentType, String data) {}

  /** A decoded reply. */
  public record Reply(String status, long version, List<ReplyEvent> events, String message,
      String node) {}

  /** Encodes a request. */
  public static byte[] request(String type, JsonNode command, @Nullable String commandId,
      long timeoutMillis, Metadata trace) {
    ObjectNode node = JSON.createObjectNode();
    node.put("type", type);
    node.set("command", command);
    if (commandId != null) {
      node.put("commandId", commandId);
    }
    node.put("timeoutMillis", timeoutMillis);
    trace.traceParent().ifPresent(v -> node.put(Metadata.TRACE_PARENT, v));
    trace.traceState().ifPresent(v -> node.put(Metadata.TRACE_STATE, v));
    return bytes(node);
  }

  /** Decodes a request; throws IllegalArgumentException naming what is wrong. */
  public static Request request(byte[] body) {
    JsonNode node = parse(body, "command");
    JsonNode type = node.get("type");
    JsonNode command = node.get("command");
    if (type == null || !type.isTextual() || command == null) {
      throw new IllegalArgumentException("a hosted command needs a textual 'type' and a"
          + " 'command'; got " + abbreviate(body));
    }
    JsonNode id = node.get("commandId");
    return new Request(type.asText(), command, id == null || id.isNull() ? null : id.asText(),
        node.path("timeoutMillis").asLong(0), trace(node));
  }

  /** The sender's trace context; empty when absent or not valid metadata (tracing only). */
  private static Metadata trace(JsonNode node) {
    JsonNode parent = node.get(Metadata.TRACE_PARENT);
    if (parent == null || !parent.isTextual()) {
      return Metadata.empty();
    }
    try {
      Metadata.Builder trace = Metadata.builder().traceParent(parent.asText());
      JsonNode state = node.get(Metadata.TRACE_STATE);
      if (state != null && state.isTextual()) {
        trace.traceState(state.asText());
      }
      return trace.build();
    } catch (IllegalArgumentException e) {
      return Metadata.empty();
    }
  }

  /** Encodes a reply. */
  public static byte[] reply(String status, long version, List<ReplyEvent> events,
      String message, String nodeId) {
    ObjectNode node = JSON.createObjectNode();
    node.put("status", status);
    node.put("version", version);
    ArrayNode array = node.putArray("events");
    for (ReplyEvent event : events) {
      ObjectNode e = array.addObject();
      e.put("type", event.type());
      e.put("contentType", event.contentType());
      e.put("data", event.data());
    }
    node.put("message", message);
    node.put("node", nodeId);
    return bytes(node);
  }

  /** Decodes a reply; throws IllegalArgumentException naming what is wrong. */
  public static Reply reply(byte[] body) {
    JsonNode node = parse(body, "reply");
    List<ReplyEvent> events = new ArrayList<>();
    for (JsonNode e : node.path("events")) {
      events.add(new ReplyEvent(e.path("type").asText(), e.path("contentType").asText(),
          e.path("data").asText()));
    }
    return new Reply(node.path("status").asText(), node.path("version").asLong(), events,
        node.path("message").asText(""), node.path("node").asText(""));
  }

  private static JsonNode parse(byte[] body, String what) {
    try {
      JsonNode node = JSON.readTree(body);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("a hosted " + what + " must be a JSON object; got "
            + abbreviate(body));
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException("a hosted " + what + " is not valid JSON: "
          + e.getMessage(), e);
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  private static String abbreviate(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 200 ? text.substring(0, 200) + "…" : text;
  }
}
