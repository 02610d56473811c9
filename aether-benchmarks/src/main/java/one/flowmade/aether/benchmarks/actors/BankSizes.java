package one.flowmade.aether.benchmarks.actors;

import java.util.List;

/**
 * How much work the bank-app shape ({@link BankApp}) does: fixed counts.
 *
 * @param threads sender threads per process
 * @param accounts accounts per side, shared by every thread of every process
 * @param snapshotEvery the snapshot policy: a snapshot every this many events; also the
 *     repository's command-id horizon
 * @param warmUpPerThread deposits per thread in the unmeasured warm-up round of each side
 * @param commandsPerThread deposits per thread in a measured round
 * @param rounds measured rounds per side
 * @param jvmOptions options of the processes' JVMs
 */
record BankSizes(int threads, int accounts, int snapshotEvery, int warmUpPerThread,
    int commandsPerThread, int rounds, List<String> jvmOptions) {

  /** Copies the options. */
  BankSizes {
    jvmOptions = List.copyOf(jvmOptions);
  }

  /** The documented run: the shape, 3 processes × 4 threads, 20 accounts. */
  static final BankSizes FULL = new BankSizes(4, 20, 20, 25, 100, 3, List.of("-Xmx256m"));
  /**
   * Smoke-test sizes: the same shape, a few commands, JVMs that start fast (C1 only, so the
   * figures mean even less).
   */
  static final BankSizes QUICK = new BankSizes(4, 20, 5, 2, 5, 1,
      List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
}
