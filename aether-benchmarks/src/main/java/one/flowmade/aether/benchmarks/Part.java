package one.flowmade.aether.benchmarks;

import java.util.Locale;

/** The parts of the suite, which {@code --only} and {@code --skip} select by name. */
public enum Part {
  /** JMH benchmarks of the in-process parts: codec, memory store, actor repository, local bus. */
  JMH,
  /** Shard balance and moves of the allocation strategy against a plain consistent-hash ring. */
  RING,
  /** Scenarios against a single nats-server (R1 streams). */
  R1,
  /** Scenarios against a 3-node nats-server cluster (R3 streams). */
  R3,
  /**
   * Leader failover and shard reassignment on a 3-node cluster, and the peak heap of its nodes,
   * each run with -Xmx64m.
   */
  CLUSTER,
  /**
   * Aether's JetStream store against a plain JDBC event table in a private PostgreSQL, at two
   * equal durability levels.
   */
  POSTGRES,
  /**
   * One actor of 1,000,000 events folded through {@code EventStore.fold} in a JVM with {@code
   * -Xmx64m}, against a raw ordered consumer in the same kind of JVM.
   */
  FOLD,
  /**
   * Hosted actors against the reload-per-command path (R1 and R3), heap per cached actor, and the
   * bank-app shape (3 node processes, 20 shared accounts, R3).
   */
  ACTORS,
  /**
   * Projection catch-up with KV checkpoints and into an atomic KV read model against a raw
   * ordered consumer, and exactly-once JDBC into PostgreSQL against a hand-written JDBC loop.
   */
  PROJECTIONS;

  /**
   * Returns the part with a name, ignoring case.
   *
   * @param name the name
   * @return the part
   * @throws IllegalArgumentException if there is none
   */
  public static Part named(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }
}
