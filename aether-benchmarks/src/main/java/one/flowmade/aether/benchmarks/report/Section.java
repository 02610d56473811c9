package one.flowmade.aether.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One section of the report: a group of figures measured together, what was compared with what,
 * and notes (profiles, causes of missed targets).
 *
 * <p>Not thread-safe: one benchmark fills it, then the report reads it.
 */
public final class Section {

  private final String title;
  private final String description;
  private final List<Comparison> comparisons = new ArrayList<>();
  private final List<Table> tables = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  /**
   * Creates an empty section.
   *
   * @param title the heading
   * @param description what is measured and against which baseline
   */
  public Section(String title, String description) {
    this.title = Objects.requireNonNull(title, "title");
    this.description = Objects.requireNonNull(description, "description");
  }

  /**
   * Adds a figure.
   *
   * @param comparison the figure and its baseline
   * @return this section
   */
  public Section add(Comparison comparison) {
    comparisons.add(Objects.requireNonNull(comparison, "comparison"));
    return this;
  }

  /**
   * Adds a free-form table.
   *
   * @param table the table
   * @return this section
   */
  public Section add(Table table) {
    tables.add(Objects.requireNonNull(table, "table"));
    return this;
  }

  /**
   * Adds a note (one Markdown paragraph).
   *
   * @param note the text
   * @return this section
   */
  public Section note(String note) {
    notes.add(Objects.requireNonNull(note, "note"));
    return this;
  }

  /**
   * Returns the heading.
   *
   * @return the title
   */
  public String title() {
    return title;
  }

  /**
   * Returns what is measured and against which baseline.
   *
   * @return the description
   */
  public String description() {
    return description;
  }

  /**
   * Returns the figures.
   *
   * @return an unmodifiable copy
   */
  public List<Comparison> comparisons() {
    return List.copyOf(comparisons);
  }

  /**
   * Returns the free-form tables.
   *
   * @return an unmodifiable copy
   */
  public List<Table> tables() {
    return List.copyOf(tables);
  }

  /**
   * Returns the notes.
   *
   * @return an unmodifiable copy
   */
  public List<String> notes() {
    return List.copyOf(notes);
  }
}
