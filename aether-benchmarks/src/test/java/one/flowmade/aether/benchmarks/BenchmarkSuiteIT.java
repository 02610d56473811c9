package one.flowmade.aether.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import one.flowmade.aether.benchmarks.report.MarkdownReport;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Smoke test of the harness: the in-process benchmarks, the shard balance and the R1 scenarios
 * run with tiny sizes against a real nats-server and produce a complete report. It checks that
 * the harness works, never how fast anything is.
 */
final class BenchmarkSuiteIT {

  @TempDir
  Path dir;

  @Test
  void quickRun_producesAReportWithEveryPairOfThePartsRun() throws Exception {
    Path doc = dir.resolve("benchmarks.md");

    Report report = BenchmarkSuite.run(
        Settings.parse("--quick", "--only", "jmh,ring,r1", "--report", doc.toString()));
    MarkdownReport.write(report, doc);

    assertThat(report.failures()).isEmpty();
    assertThat(report.sections()).extracting(Section::title).contains(
        "Codec (JMH)", "In-memory store (JMH)", "Actor repository (JMH)", "Local bus (JMH)",
        "Shard balance and moves", "R1: JetStream event store vs raw jnats",
        "R1: NATS bus vs raw core NATS");
    assertThat(report.sections()).allSatisfy(s -> assertThat(
        s.comparisons().isEmpty() && s.tables().isEmpty()).isFalse());
    assertThat(Files.readString(doc)).contains("| nats-server |", "pipelined appends",
        "replay one actor", "catch-up subscription", "bus publish");
  }
}
