package one.flowmade.aether.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import one.flowmade.aether.benchmarks.report.Better;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.MarkdownReport;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.benchmarks.report.Table;
import one.flowmade.aether.benchmarks.report.Target;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MarkdownReportTest {

  @TempDir
  Path dir;

  private static Report report() {
    Report report = new Report();
    report.conditions().put("cores", "2");
    report.add(new Section("Pairs", "what was compared"))
        .add(Comparison.of("appends", "events/s", Better.HIGHER, 900, 1000)
            .withTarget(Target.ratioAtLeast(0.85)))
        .add(Comparison.of("latency", "ms", Better.LOWER, 1.3, 1.0)
            .withTarget(Target.ratioAtMost(1.15)))
        .add(new Table(List.of("a", "b"), List.of(List.of("1", "x|y"))))
        .note("a note");
    report.failed("cluster", new IllegalStateException("no leader"));
    return report;
  }

  @Test
  void render_showsEveryFigureWithItsRatioAndVerdict() {
    String text = MarkdownReport.render(report());

    assertThat(text)
        .contains("| cores | 2 |")
        .contains("| appends | 900 events/s | 1,000 events/s | 0.90× | ≥ 0.85× | yes |")
        .contains("| latency | 1.30 ms | 1.00 ms | 1.30× | ≤ 1.15× | **no** |")
        .contains("x\\|y")
        .contains("a note")
        .contains("- cluster failed with IllegalStateException: no leader");
  }

  @Test
  void write_replacesOnlyTheGeneratedPartOfAnExistingDocument() throws Exception {
    Path doc = dir.resolve("benchmarks.md");
    Files.writeString(doc, "# Benchmarks\n\nhow to run\n\n" + MarkdownReport.BEGIN + "\nold\n"
        + MarkdownReport.END + "\n\n## Analysis\n\nkept\n");

    MarkdownReport.write(report(), doc);

    String text = Files.readString(doc);
    assertThat(text).startsWith("# Benchmarks\n\nhow to run\n\n" + MarkdownReport.BEGIN)
        .doesNotContain("\nold\n")
        .contains("| appends |")
        .endsWith(MarkdownReport.END + "\n\n## Analysis\n\nkept\n");
  }

  @Test
  void write_createsAMissingDocument() throws Exception {
    Path doc = dir.resolve("sub/report.md");

    MarkdownReport.write(report(), doc);

    assertThat(Files.readString(doc)).startsWith("# Benchmarks").contains(MarkdownReport.END);
  }

  @Test
  void settings_parseSelectsParts() {
    Settings settings = Settings.parse("--quick", "--only", "jmh,R1", "--report", "x.md");

    assertThat(settings.quick()).isTrue();
    assertThat(settings.parts()).containsExactlyInAnyOrder(Part.JMH, Part.R1);
    assertThat(settings.report()).isEqualTo(Path.of("x.md"));
    assertThat(Settings.parse("--skip", "cluster,r3").parts())
        .containsExactlyInAnyOrder(Part.JMH, Part.RING, Part.R1, Part.POSTGRES, Part.FOLD,
            Part.ACTORS, Part.PROJECTIONS);
  }
}
