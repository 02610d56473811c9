package one.flowmade.aether.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The value of the leader lease key: which node (and incarnation) holds it, since when. */
record LeaderRecord(String nodeId, String incarnation, Instant since) {

  byte[] encode() {
    ObjectNode root = Json.object();
    root.put("v", 1);
    root.put("nodeId", nodeId);
    root.put("incarnation", incarnation);
    root.put("since", since.toEpochMilli());
    return Json.bytes(root);
  }

  static LeaderRecord decode(byte[] bytes) {
    JsonNode root = Json.parse(bytes);
    return new LeaderRecord(Json.text(root, "nodeId"), Json.text(root, "incarnation"),
        Instant.ofEpochMilli(Json.longValue(root, "since")));
  }
}
