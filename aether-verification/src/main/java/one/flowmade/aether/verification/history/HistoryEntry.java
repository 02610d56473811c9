package one.flowmade.aether.verification.history;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * One thing a process of a verification run recorded.
 *
 * <p>Entries are identified by {@link #id()}: when a process records an entry again under the same
 * id (an operation that completed, a term observed valid again), the later one replaces the
 * earlier one.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
  @JsonSubTypes.Type(value = AppendOp.class, name = "append"),
  @JsonSubTypes.Type(value = ReadOp.class, name = "read"),
  @JsonSubTypes.Type(value = Delivery.class, name = "delivery"),
  @JsonSubTypes.Type(value = LeaderTerm.class, name = "term"),
  @JsonSubTypes.Type(value = ShardTenure.class, name = "tenure")
})
public sealed interface HistoryEntry permits AppendOp, ReadOp, Delivery, LeaderTerm, ShardTenure {

  /**
   * Returns the entry's id, unique within a run.
   *
   * @return the id
   */
  String id();

  /**
   * Returns the process that recorded the entry, such as {@code a2#1} (Aether node 2, first
   * incarnation).
   *
   * @return the process label
   */
  String process();

  /**
   * Returns when the entry began: an operation's invocation, a term's or tenure's start, a
   * delivery's time.
   *
   * @return the start
   */
  Moment start();

  /**
   * Describes the entry on one line, with times relative to an origin.
   *
   * @param origin the origin of the run
   * @return the description
   */
  String describe(Moment origin);
}
