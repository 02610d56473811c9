package one.flowmade.aether.verification.checker;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import one.flowmade.aether.verification.history.HistoryEntry;
import one.flowmade.aether.verification.history.Moment;
import one.flowmade.aether.verification.history.StoredEvent;

/**
 * One property that a history breaks, with the smallest part of the history that shows it: the
 * recorded entries involved and the stored events they are compared with.
 *
 * <p>Immutable and thread-safe.
 *
 * @param check the property broken
 * @param summary what is wrong, in one sentence
 * @param history the recorded entries that show it, in start order
 * @param stored the stored events that show it, in position order
 */
public record Violation(
    Check check, String summary, List<HistoryEntry> history, List<StoredEvent> stored) {

  /**
   * Copies and orders the witnesses, dropping repeats.
   *
   * @throws NullPointerException if an argument is null
   */
  public Violation {
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(summary, "summary");
    List<HistoryEntry> entries = new ArrayList<>(new LinkedHashSet<>(history));
    entries.sort(Comparator.comparing(HistoryEntry::start));
    history = List.copyOf(entries);
    List<StoredEvent> events = new ArrayList<>(new LinkedHashSet<>(stored));
    events.sort(Comparator.comparingLong(StoredEvent::position));
    stored = List.copyOf(events);
  }

  /**
   * Describes the violation and its minimal history, with times relative to an origin.
   *
   * @param origin the origin of the run
   * @return several lines of text
   */
  public String describe(Moment origin) {
    StringBuilder out = new StringBuilder();
    out.append('[').append(check).append("] ").append(summary).append('\n');
    if (!history.isEmpty()) {
      out.append("  history:\n");
      for (HistoryEntry entry : history) {
        out.append("    ").append(entry.describe(origin)).append('\n');
      }
    }
    if (!stored.isEmpty()) {
      out.append("  final state:\n");
      for (StoredEvent event : stored) {
        out.append("    ").append(event.describe()).append('\n');
      }
    }
    return out.toString();
  }
}
