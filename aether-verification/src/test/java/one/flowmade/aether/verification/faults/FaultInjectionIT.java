package one.flowmade.aether.verification.faults;

import org.junit.jupiter.api.Test;

/**
 * The Jepsen-style run of the store and the cluster ({@link FaultRun}): three Aether nodes as
 * separate JVMs append with expected versions to shared actors, read them and follow the
 * namespace, while NATS servers and Aether nodes are killed and paused. The checker then finds
 * nothing acknowledged lost, nothing stored twice, contiguous versions, no failed append stored,
 * linearizable appends per actor, one leader at a time, one owner per shard, and every shard
 * owned again once the faults stop.
 *
 * <p>{@code -Daether.verification.duration=PT10M} sets how long faults are injected (60 s by
 * default), {@code -Daether.verification.seed=<n>} replays a run's fault schedule. Logs, the
 * history and the report stay in {@code target/verification/run-<seed in hex>/}.
 */
final class FaultInjectionIT {

  @Test
  void faultInjectedRun_losesNothingAndNeverHasTwoOwners() throws Exception {
    new FaultRun(FaultRun.Mode.APPENDS, "FaultInjectionIT").run();
  }
}
