package one.flowmade.aether.cluster.internal.membership;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import one.flowmade.aether.cluster.Member;
import one.flowmade.aether.cluster.internal.store.Json;

/**
 * The value of a member key {@code members.<node>}: who the node is, which incarnation (one per
 * join), what it announced, and the last assignment epoch it applied ({@code applied}): the
 * release confirmation other nodes wait for before they acquire shards of that epoch.
 */
public record MemberRecord(String nodeId, String incarnation, Instant joinedAt,
    Map<String, String> metadata, long applied) {

  public MemberRecord {
    metadata = Map.copyOf(metadata);
  }

  public MemberRecord withApplied(long epoch) {
    return new MemberRecord(nodeId, incarnation, joinedAt, metadata, epoch);
  }

  public Member toMember() {
    return new Member(nodeId, metadata, joinedAt);
  }

  public byte[] encode() {
    ObjectNode root = Json.nodeRecord(nodeId, incarnation);
    root.put("joinedAt", joinedAt.toEpochMilli());
    ObjectNode meta = root.putObject("metadata");
    metadata.forEach(meta::put);
    root.put("applied", applied);
    return Json.bytes(root);
  }

  public static MemberRecord decode(byte[] bytes) {
    JsonNode root = Json.parse(bytes);
    Map<String, String> metadata = new LinkedHashMap<>();
    JsonNode meta = root.get("metadata");
    if (meta != null && meta.isObject()) {
      meta.properties().forEach(e -> metadata.put(e.getKey(), e.getValue().asText()));
    }
    return new MemberRecord(Json.text(root, "nodeId"), Json.text(root, "incarnation"),
        Instant.ofEpochMilli(Json.longValue(root, "joinedAt")), metadata,
        Json.longValue(root, "applied"));
  }
}
