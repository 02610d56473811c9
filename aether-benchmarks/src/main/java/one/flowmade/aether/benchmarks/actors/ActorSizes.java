package one.flowmade.aether.benchmarks.actors;

/**
 * How much work the hosted-actor part does: fixed counts.
 *
 * @param actors actors of the many-actor shape, per side
 * @param senders sender threads of the many-actor shape (divides {@code actors})
 * @param history events each actor has before the run
 * @param snapshotEvery the snapshot policy: a snapshot every this many events; also the
 *     repository's command-id horizon
 * @param hotCommands commands per round to the hot actor
 * @param manyCommands commands per round of the many-actor shape
 * @param rounds measured rounds per shape
 * @param memoryActors actors cached for the memory figure
 * @param memoryIdActors actors cached with {@code memoryIds} command ids each
 * @param memoryIds deposits with command ids per actor for the second memory figure
 */
record ActorSizes(int actors, int senders, int history, int snapshotEvery, int hotCommands,
    int manyCommands, int rounds, int memoryActors, int memoryIdActors, int memoryIds) {

  /** The documented run. */
  static final ActorSizes FULL = new ActorSizes(1000, 20, 100, 20, 500, 2000, 3, 100_000,
      5_000, 16);
  /** Smoke-test sizes. */
  static final ActorSizes QUICK = new ActorSizes(20, 4, 10, 5, 20, 40, 1, 2_000, 200, 4);
}
