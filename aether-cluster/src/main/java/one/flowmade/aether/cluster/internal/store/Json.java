package one.flowmade.aether.cluster.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The JSON encoding of the cluster's KV values, on Jackson's tree model (no reflection, so
 * nothing needs to be opened to Jackson). Values that do not parse raise {@link
 * IllegalArgumentException}. Thread-safe.
 */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Starts the value of a key that names a node: format version 1, the node's id and its
   * incarnation (one per join), written alike by every such record.
   */
  public static ObjectNode nodeRecord(String nodeId, String incarnation) {
    ObjectNode root = object();
    root.put("v", 1);
    root.put("nodeId", nodeId);
    root.put("incarnation", incarnation);
    return root;
  }

  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + node, e);
    }
  }

  public static JsonNode parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("empty value");
    }
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException("not a JSON object");
      }
      return node;
    } catch (IOException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
  }

  public static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("missing field '" + field + "'");
    }
    return value;
  }

  public static String text(JsonNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException("field '" + field + "' is not a string");
    }
    return value.asText();
  }

  public static long longValue(JsonNode node, String field) {
    JsonNode value = required(node, field);
    if (!value.canConvertToLong()) {
      throw new IllegalArgumentException("field '" + field + "' is not an integer");
    }
    return value.asLong();
  }
}
