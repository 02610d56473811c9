package one.flowmade.aether.benchmarks.report;

/** Which direction of a figure is the good one. */
public enum Better {
  /** Throughput-like figures: more is better; the ratio Aether/baseline should be high. */
  HIGHER,
  /** Time-like figures: less is better; the ratio Aether/baseline should be low. */
  LOWER
}
