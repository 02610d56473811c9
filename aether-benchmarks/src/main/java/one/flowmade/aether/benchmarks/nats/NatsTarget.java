package one.flowmade.aether.benchmarks.nats;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Where a scenario runs: a single server (R1 streams) or a 3-node cluster (R3 streams), and how to
 * connect to it. Thread-safe.
 *
 * @param label {@code R1} or {@code R3}
 * @param replicas the replicas of the streams the scenario creates
 * @param serverVersion the nats-server version
 * @param options fresh connection options for the target
 */
public record NatsTarget(String label, int replicas, String serverVersion,
    Supplier<Options.Builder> options) {

  /** Checks the fields. */
  public NatsTarget {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(serverVersion, "serverVersion");
    Objects.requireNonNull(options, "options");
  }

  /**
   * Connects a new client; the caller closes it.
   *
   * @param name the connection name, shown by the server's monitoring
   * @return the connection
   */
  public Connection connect(String name) {
    try {
      return Nats.connect(options.get().connectionName(name)
          .requestCleanupInterval(Duration.ofSeconds(5)).build());
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to the " + label + " target", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while connecting", e);
    }
  }
}
