package one.flowmade.aether.cluster.internal.allocation;

/**
 * A member as the leader listed it in a shard assignment: its node id, the incarnation it had,
 * and the revision of its member key the leader saw.
 *
 * @param nodeId the node id
 * @param incarnation the incarnation, one per join
 * @param revision the member key's revision when it was listed
 */
public record ListedMember(String nodeId, String incarnation, long revision) {}
