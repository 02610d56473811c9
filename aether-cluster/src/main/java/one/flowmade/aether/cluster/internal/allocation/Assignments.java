package one.flowmade.aether.cluster.internal.allocation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import one.flowmade.aether.cluster.ShardAssignment;
import one.flowmade.aether.cluster.internal.ApiAccess;
import one.flowmade.aether.cluster.internal.store.Json;
import org.jspecify.annotations.Nullable;

/**
 * Builds, encodes and decodes {@link ShardAssignment}s (the value of the {@code assignment} key),
 * and reads the listed members behind them. Stateless and thread-safe.
 */
public final class Assignments {

  private Assignments() {}

  /**
   * Builds an assignment from owner node ids; every owner must be listed.
   *
   * @param epoch the epoch
   * @param fencingToken the publishing leader's token
   * @param leaderId the publishing leader
   * @param createdAt when it was published
   * @param members the listed members
   * @param ownerIds one node id (or {@code null}) per shard
   * @return the assignment
   * @throws IllegalArgumentException if an owner is not listed
   */
  public static ShardAssignment of(long epoch, long fencingToken, String leaderId,
      Instant createdAt, List<ListedMember> members, List<String> ownerIds) {
    Map<String, Integer> index = new LinkedHashMap<>();
    for (int i = 0; i < members.size(); i++) {
      index.put(members.get(i).nodeId(), i);
    }
    int[] owners = new int[ownerIds.size()];
    for (int s = 0; s < owners.length; s++) {
      String id = ownerIds.get(s);
      if (id == null) {
        owners[s] = -1;
      } else {
        Integer i = index.get(id);
        if (i == null) {
          throw new IllegalArgumentException("shard " + s + " is allocated to " + id
              + ", which is not a member");
        }
        owners[s] = i;
      }
    }
    return ApiAccess.hooks().assignment(epoch, ownerIds.size(), fencingToken, leaderId,
        createdAt, members, owners);
  }

  /**
   * Returns the listed members with their incarnations and listing revisions.
   *
   * @param assignment an assignment
   * @return the members, sorted by node id
   */
  public static List<ListedMember> listed(ShardAssignment assignment) {
    return ApiAccess.hooks().listed(assignment);
  }

  /**
   * Returns the listed member that owns a shard.
   *
   * @param assignment an assignment
   * @param shard a shard in range
   * @return the owner, or null
   */
  public static @Nullable ListedMember ownerEntry(ShardAssignment assignment, int shard) {
    int owner = ApiAccess.hooks().ownerIndex(assignment, shard);
    return owner < 0 ? null : listed(assignment).get(owner);
  }

  /**
   * Returns the owner of every shard as node ids.
   *
   * @param assignment an assignment
   * @return one entry per shard, {@code null} for none
   */
  public static List<String> ownerIds(ShardAssignment assignment) {
    String[] ids = new String[assignment.shardCount()];
    for (int s = 0; s < ids.length; s++) {
      ListedMember owner = ownerEntry(assignment, s);
      ids[s] = owner == null ? null : owner.nodeId();
    }
    return Arrays.asList(ids);
  }

  /**
   * Encodes an assignment as the value of the {@code assignment} key.
   *
   * @param assignment an assignment
   * @return JSON bytes
   */
  public static byte[] encode(ShardAssignment assignment) {
    ObjectNode root = Json.object();
    root.put("v", 1);
    root.put("epoch", assignment.epoch());
    root.put("shardCount", assignment.shardCount());
    root.put("fencingToken", assignment.fencingToken());
    root.put("leader", assignment.leaderId());
    root.put("createdAt", assignment.createdAt().toEpochMilli());
    ArrayNode list = root.putArray("members");
    for (ListedMember m : listed(assignment)) {
      ObjectNode node = list.addObject();
      node.put("id", m.nodeId());
      node.put("inc", m.incarnation());
      node.put("rev", m.revision());
    }
    ArrayNode ownerArray = root.putArray("owners");
    for (int s = 0; s < assignment.shardCount(); s++) {
      ownerArray.add(ApiAccess.hooks().ownerIndex(assignment, s));
    }
    return Json.bytes(root);
  }

  /**
   * Decodes the value of the {@code assignment} key.
   *
   * @param bytes JSON bytes
   * @return the assignment
   * @throws IllegalArgumentException if the value is not a valid assignment
   */
  public static ShardAssignment decode(byte[] bytes) {
    JsonNode root = Json.parse(bytes);
    List<ListedMember> members = new ArrayList<>();
    for (JsonNode m : Json.required(root, "members")) {
      members.add(new ListedMember(Json.text(m, "id"), Json.text(m, "inc"),
          Json.longValue(m, "rev")));
    }
    JsonNode ownerArray = Json.required(root, "owners");
    int[] owners = new int[ownerArray.size()];
    for (int i = 0; i < owners.length; i++) {
      owners[i] = ownerArray.get(i).asInt();
    }
    return ApiAccess.hooks().assignment(Json.longValue(root, "epoch"),
        (int) Json.longValue(root, "shardCount"), Json.longValue(root, "fencingToken"),
        Json.text(root, "leader"), Instant.ofEpochMilli(Json.longValue(root, "createdAt")),
        members, owners);
  }
}
