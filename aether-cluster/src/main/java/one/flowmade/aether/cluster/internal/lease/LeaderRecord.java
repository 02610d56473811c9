package one.flowmade.aether.cluster.internal.lease;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import one.flowmade.aether.cluster.internal.store.Json;

/** The value of the leader lease key: which node (and incarnation) holds it, since when. */
public record LeaderRecord(String nodeId, String incarnation, Instant since) {

  public byte[] encode() {
    ObjectNode root = Json.nodeRecord(nodeId, incarnation);
    root.put("since", since.toEpochMilli());
    return Json.bytes(root);
  }

  public static LeaderRecord decode(byte[] bytes) {
    JsonNode root = Json.parse(bytes);
    return new LeaderRecord(Json.text(root, "nodeId"), Json.text(root, "incarnation"),
        Instant.ofEpochMilli(Json.longValue(root, "since")));
  }
}
