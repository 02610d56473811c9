package one.flowmade.aether.benchmarks.nats;

/**
 * How much work each scenario does: fixed counts, so a run's length does not depend on the
 * machine's speed more than it must.
 *
 * @param pipelinedActors actors appended to concurrently (one append in flight each)
 * @param pipelinedPerActor events per actor in one pipelined round
 * @param rounds measured rounds of each alternating pair
 * @param latencySamples single appends timed per side with a warm cache
 * @param coldActors single appends timed with a cold cache (one per actor)
 * @param replayEvents events of the replayed actor
 * @param snapshotTail events after the snapshot when replaying from one
 * @param snapshotLoads loads per round when replaying from a snapshot
 * @param busMessages messages per round of the bus pair
 */
public record Sizes(int pipelinedActors, int pipelinedPerActor, int rounds, int latencySamples,
    int coldActors, int replayEvents, int snapshotTail, int snapshotLoads, int busMessages) {

  /** The sizes of the documented run. */
  public static final Sizes FULL = new Sizes(256, 40, 5, 4000, 1000, 10_000, 100, 20, 100_000);
  /** Smoke-test sizes: checks that every scenario runs, in seconds. */
  public static final Sizes QUICK = new Sizes(8, 5, 1, 40, 10, 300, 20, 2, 2_000);
}
