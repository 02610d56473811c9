package one.flowmade.aether.benchmarks.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything one run of the suite measured: its conditions, its sections and the benchmarks that
 * could not run. Thread-safe: benchmarks running one after another add to it.
 */
public final class Report {

  private final Conditions conditions = new Conditions();
  private final List<Section> sections = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  /**
   * Returns the conditions, to fill in.
   *
   * @return the conditions
   */
  public synchronized Conditions conditions() {
    return conditions;
  }

  /**
   * Adds a section.
   *
   * @param section the section
   * @return the section
   */
  public synchronized Section add(Section section) {
    sections.add(Objects.requireNonNull(section, "section"));
    return section;
  }

  /**
   * Records that a benchmark could not run, with why.
   *
   * @param benchmark the benchmark
   * @param cause why
   */
  public synchronized void failed(String benchmark, Throwable cause) {
    String message = cause.getMessage() == null ? "" : ": " + cause.getMessage();
    failures.add(benchmark + " failed with " + cause.getClass().getSimpleName() + message);
  }

  /**
   * Records that a benchmark was not run, with why.
   *
   * @param benchmark the benchmark
   * @param reason why
   */
  public synchronized void skipped(String benchmark, String reason) {
    failures.add(benchmark + " was not run: " + reason);
  }

  /**
   * Returns the sections in the order they were added.
   *
   * @return an unmodifiable copy
   */
  public synchronized List<Section> sections() {
    return List.copyOf(sections);
  }

  /**
   * Returns the benchmarks that failed or were skipped.
   *
   * @return an unmodifiable copy
   */
  public synchronized List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * Returns every figure held to a target, with its section.
   *
   * @return the figures in report order
   */
  public synchronized List<Targeted> targeted() {
    List<Targeted> out = new ArrayList<>();
    for (Section section : sections) {
      for (Comparison comparison : section.comparisons()) {
        if (comparison.target().isPresent()) {
          out.add(new Targeted(section.title(), comparison));
        }
      }
    }
    return out;
  }

  /**
   * A figure held to a target, with the title of its section.
   *
   * @param section the section title
   * @param comparison the figure
   */
  public record Targeted(String section, Comparison comparison) {}
}
