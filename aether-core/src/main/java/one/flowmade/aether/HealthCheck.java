package one.flowmade.aether;

/**
 * A component that can say whether it is healthy, in one call: stores, buses and cluster nodes. Implementations are thread-safe and bound the time {@link #health()} takes.
 */
public interface HealthCheck {

  /**
   * Checks the component now. Never throws for an unhealthy component: what is wrong is
   * reported as {@link Health.Status#DOWN} with a reason.
   *
   * @return the health
   */
  Health health();
}
