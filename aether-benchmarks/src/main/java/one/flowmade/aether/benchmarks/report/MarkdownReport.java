package one.flowmade.aether.benchmarks.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link Report} as Markdown and writes it into a document.
 *
 * <p>The report goes between the markers {@value #BEGIN} and {@value #END}; what stands outside
 * them (how to reproduce, the analysis of missed targets) is kept, so {@code docs/benchmarks.md}
 * can be refreshed by a run without losing its hand-written parts. A document without the markers
 * gets them appended. Stateless and thread-safe.
 */
public final class MarkdownReport {

  /** The line before the generated report. */
  public static final String BEGIN = "<!-- benchmark report: begin (generated; do not edit) -->";
  /** The line after the generated report. */
  public static final String END = "<!-- benchmark report: end -->";

  private MarkdownReport() {}

  /**
   * Writes the report into a document, creating it (and its directory) if needed.
   *
   * @param report the report
   * @param document the Markdown file
   * @throws IOException if it cannot be read or written
   */
  public static void write(Report report, Path document) throws IOException {
    String generated = BEGIN + "\n" + render(report) + END + "\n";
    String text;
    if (Files.exists(document)) {
      String old = Files.readString(document, StandardCharsets.UTF_8);
      int begin = old.indexOf(BEGIN);
      int end = old.indexOf(END);
      if (begin >= 0 && end > begin) {
        int after = old.indexOf('\n', end);
        text = old.substring(0, begin) + generated
            + (after < 0 ? "" : old.substring(after + 1));
      } else {
        text = old + (old.endsWith("\n") ? "\n" : "\n\n") + generated;
      }
    } else {
      text = "# Benchmarks\n\n" + generated;
    }
    Path parent = document.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(document, text, StandardCharsets.UTF_8);
  }

  /**
   * Renders the report.
   *
   * @param report the report
   * @return Markdown text
   */
  public static String render(Report report) {
    StringBuilder out = new StringBuilder();
    out.append("## Latest report\n\n");
    out.append("Every ratio is Aether's figure divided by its baseline's, both measured in this"
        + " run. Where a pair was measured in alternating rounds, the ratio is the median of the"
        + " per-round ratios and the figures are medians. For throughput a ratio above 1 means"
        + " Aether is faster; for times a ratio below 1 means Aether is faster.\n\n");

    out.append("### Conditions\n\n");
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, String> e : report.conditions().asMap().entrySet()) {
      rows.add(List.of(e.getKey(), e.getValue()));
    }
    table(out, new Table(List.of("condition", "value"), rows));

    List<Report.Targeted> targeted = report.targeted();
    if (!targeted.isEmpty()) {
      out.append("### Targets\n\n");
      List<List<String>> targetRows = new ArrayList<>();
      for (Report.Targeted t : targeted) {
        Comparison c = t.comparison();
        targetRows.add(List.of(t.section(), c.name(), value(c.aether(), c.unit()),
            ratio(c.ratio()), c.target().orElseThrow().describe(c.unit()), verdict(c)));
      }
      table(out, new Table(
          List.of("section", "figure", "Aether", "ratio", "target", "met"), targetRows));
    }

    for (Section section : report.sections()) {
      out.append("### ").append(section.title()).append("\n\n");
      out.append(section.description()).append("\n\n");
      if (!section.comparisons().isEmpty()) {
        List<List<String>> figureRows = new ArrayList<>();
        for (Comparison c : section.comparisons()) {
          figureRows.add(List.of(c.name(), value(c.aether(), c.unit()),
              value(c.baseline(), c.unit()), ratio(c.ratio()),
              c.target().map(t -> t.describe(c.unit())).orElse(""), verdict(c), c.note()));
        }
        table(out, new Table(
            List.of("figure", "Aether", "baseline", "ratio", "target", "met", "note"),
            figureRows));
      }
      for (Table t : section.tables()) {
        table(out, t);
      }
      for (String note : section.notes()) {
        out.append(note).append("\n\n");
      }
    }

    if (!report.failures().isEmpty()) {
      out.append("### Not measured in this run\n\n");
      for (String failure : report.failures()) {
        out.append("- ").append(escape(failure)).append('\n');
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static String value(double value, String unit) {
    return Figures.format(value) + (unit.isEmpty() ? "" : " " + unit);
  }

  private static String ratio(double ratio) {
    return Double.isNaN(ratio) ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f×", ratio);
  }

  private static String verdict(Comparison c) {
    return c.met().map(met -> met ? "yes" : "**no**").orElse("");
  }

  private static void table(StringBuilder out, Table table) {
    out.append('|');
    for (String h : table.headers()) {
      out.append(' ').append(escape(h)).append(" |");
    }
    out.append("\n|");
    for (int i = 0; i < table.headers().size(); i++) {
      out.append(" --- |");
    }
    out.append('\n');
    for (List<String> row : table.rows()) {
      out.append('|');
      for (String cell : row) {
        out.append(' ').append(escape(cell)).append(" |");
      }
      out.append('\n');
    }
    out.append('\n');
  }

  private static String escape(String cell) {
    return cell.replace("|", "\\|").replace("\n", " ");
  }
}
