package one.flowmade.aether.verification.history;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What a projection run left behind: every application its handlers recorded in the read model,
 * the read model's count of applications per event, and the namespace's events read back at the
 * end; checked by {@link one.flowmade.aether.verification.checker.ProjectionChecker}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param effects the delivery guarantee the projection's checkpoint store promises
 * @param applied every recorded application, sorted by {@link AppliedEvent#seq()}
 * @param applyCounts event id to how many times the read model counted it applied (a count
 *     table), sorted by event id
 * @param finalState every stored event of the namespace
 */
public record ProjectionHistory(Effects effects, List<AppliedEvent> applied,
    Map<String, Long> applyCounts, FinalState finalState) {

  /** The guarantee a projection's effects have. */
  public enum Effects {
    /** The handlers' effects commit with the checkpoint (JDBC): each event applied once. */
    EXACTLY_ONCE,
    /** The checkpoint commits after the effects (KV, memory): each event applied at least once. */
    AT_LEAST_ONCE
  }

  /**
   * Copies and sorts the parts.
   *
   * @throws NullPointerException if a part is null
   */
  public ProjectionHistory {
    Objects.requireNonNull(effects, "effects");
    Objects.requireNonNull(finalState, "finalState");
    List<AppliedEvent> sorted = new ArrayList<>(applied);
    sorted.sort(Comparator.comparingLong(AppliedEvent::seq));
    applied = List.copyOf(sorted);
    applyCounts = Collections.unmodifiableMap(new TreeMap<>(applyCounts));
  }
}
