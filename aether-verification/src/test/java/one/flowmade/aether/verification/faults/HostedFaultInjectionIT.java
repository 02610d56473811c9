package one.flowmade.aether.verification.faults;

import static org.assertj.core.api.Assertions.assertThat;

import one.flowmade.aether.verification.history.AppendOp;
import one.flowmade.aether.verification.history.Outcome;
import one.flowmade.aether.verification.history.StoredEvent;
import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style run of hosted actors ({@link FaultRun.Mode#HOSTED}): three Aether node JVMs
 * host twelve accounts ({@code ActorHost}) on a 3-node NATS cluster with R3 streams and an R3
 * cluster bucket, and four workers on each send deposits with command ids through {@code
 * ActorClient} to the accounts' owners, sending a command again with the same id after an
 * unknown outcome, while NATS servers and Aether nodes are killed (kill -9) and paused (SIGSTOP,
 * up to 9 s against a 6 s lease). Each deposit event names the node that decided it and the shard
 * epoch it held then. The checker finds every acknowledged command stored exactly once (also the
 * ones answered "already applied"), no failed one stored, contiguous versions, one writer per
 * actor per epoch, epochs never going back, and the cluster checks of the plain run.
 *
 * <p>Same properties as {@link FaultInjectionIT}: {@code -Daether.verification.duration=PT10M}
 * for the long run, {@code -Daether.verification.seed=<n>} to replay; logs and the report in
 * {@code target/verification/hosted-<seed in hex>/}.
 */
final class HostedFaultInjectionIT {

  @Test
  void hostedActorsUnderFaults_applyEveryAcknowledgedCommandOnce_oneWriterPerEpoch()
      throws Exception {
    FaultRun.Result result = new FaultRun(FaultRun.Mode.HOSTED, "HostedFaultInjectionIT").run();

    long checkedWriters = result.history().finalState().events().stream()
        .filter(e -> e.writer() != null && e.epoch() >= 0).count();
    assertThat(checkedWriters).as("stored deposits that name their writer and epoch")
        .isGreaterThan(50);
    assertThat(result.history().appends()).as("every operation is a hosted command")
        .allMatch(a -> a.expected() == AppendOp.ANY && a.eventIds().size() == 1);
    assertThat(result.history().appends().stream().filter(a -> a.outcome() == Outcome.OK))
        .as("acknowledged commands").isNotEmpty();
    assertThat(result.history().finalState().events()).extracting(StoredEvent::writer)
        .doesNotContainNull();
  }
}
