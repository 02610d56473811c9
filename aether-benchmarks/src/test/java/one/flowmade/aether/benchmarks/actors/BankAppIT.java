package one.flowmade.aether.benchmarks.actors;

import static org.assertj.core.api.Assertions.assertThat;

import one.flowmade.aether.benchmarks.nats.NatsTarget;
import one.flowmade.aether.benchmarks.report.Comparison;
import one.flowmade.aether.benchmarks.report.Report;
import one.flowmade.aether.benchmarks.report.Section;
import one.flowmade.aether.testkit.nats.NatsCluster;
import org.junit.jupiter.api.Test;

/**
 * Smoke test of the bank-app shape in its {@code --quick} form: three node JVMs on a real 3-node
 * nats-server cluster run a warm-up and one round of each side, the balances hold every
 * acknowledged deposit once, and the report gets both sides' figures. It checks that the
 * scenario works, never how fast anything is.
 */
final class BankAppIT {

  @Test
  void quickForm_runsBothSidesInThreeProcesses_andEveryDepositIsInTheBalancesOnce()
      throws Exception {
    Report report = new Report();
    try (NatsCluster nats = NatsCluster.builder().size(3).start()) {
      NatsTarget r3 = new NatsTarget("R3", 3, nats.node(1).version().toString(),
          nats::connectionOptions);

      ActorsPart.bankApp(report, r3, nats.urls(), BankSizes.QUICK);
    }

    Section section = report.sections().get(0);
    assertThat(section.comparisons()).extracting(Comparison::name).containsExactly(
        "3 processes × 4 threads, 20 accounts, R3: commands/s",
        "3 processes × 4 threads, 20 accounts, R3: p50 latency",
        "3 processes × 4 threads, 20 accounts, R3: p99 latency");
    assertThat(section.comparisons()).allSatisfy(c -> {
      assertThat(c.aether()).isPositive();
      assertThat(c.baseline()).isPositive();
    });
    assertThat(section.comparisons().get(0).target()).isPresent();
    // 3 processes × 4 threads × (2 warm-up + 5 measured) deposits per side, all checked
    assertThat(section.notes()).singleElement().asString()
        .contains("after each of the 4 rounds", "hosted 84, reload 84 deposits");
  }
}
