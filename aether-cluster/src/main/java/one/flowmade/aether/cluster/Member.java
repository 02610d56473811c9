package one.flowmade.aether.cluster;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A node of the cluster as the others see it: its id, the metadata it announced when it joined
 * and when it joined.
 *
 * <p>Immutable and thread-safe.
 *
 * @param nodeId the node's id, unique in the cluster
 * @param metadata what the node announced about itself (see {@link
 *     ClusterNode.Builder#metadata(Map)}); unmodifiable
 * @param joinedAt when this incarnation of the node joined, on its own clock
 */
public record Member(String nodeId, Map<String, String> metadata, Instant joinedAt) {

  /**
   * Copies the metadata and checks that nothing is null.
   *
   * @param nodeId the node's id
   * @param metadata what the node announced
   * @param joinedAt when this incarnation joined
   * @throws NullPointerException if an argument, a metadata key or a metadata value is null
   */
  public Member {
    Objects.requireNonNull(nodeId, "nodeId");
    metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    Objects.requireNonNull(joinedAt, "joinedAt");
  }
}
