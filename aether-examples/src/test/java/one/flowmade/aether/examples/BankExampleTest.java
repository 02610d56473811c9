package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import one.flowmade.aether.examples.bank.BankExample;

final class BankExampleTest {

  @Test
  void bankExample_showsActorsConflictRetrySnapshotAndProjection() {
    String output = ReadmeQuickStartTest.capture(() -> {
      try {
        BankExample.main(new String[0]);
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    });

    assertThat(output)
        .contains("alice (Alice): balance 10000 cents at version 2")
        .contains("carol's withdrawal was rejected: insufficient funds in carol")
        .contains("bob (Bob): balance 2800 cents at version 4")
        .contains("latest snapshot of alice is at version 10; loading alice read it plus the"
            + " 1 event(s) after it")
        .contains("alice (Alice): balance 10450 cents at version 11")
        .contains("projection at position 16 of 16: {alice=10450, bob=2800, carol=0}");
    assertThat(output).containsPattern("took (1 attempt\\(s\\); deposit of 200 took 2"
        + "|2 attempt\\(s\\); deposit of 200 took 1) attempt");
  }
}
