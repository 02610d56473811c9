package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Connection;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.testkit.nats.NatsCluster;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

/** A 1-replica stream on a NATS cluster is a single point of failure: the store says so. */
final class SingleReplicaWarningIT {

  @Test
  void creatingA1ReplicaStreamOnACluster_logsAWarningNamingTheFix() throws Exception {
    try (NatsCluster cluster = NatsCluster.start(); Connection nc = cluster.connect()) {
      String log = stderrOf(() -> {
        JetStreamEventStore.builder(nc, Namespace.of("r1")).build().close();
        JetStreamEventStore.builder(nc, Namespace.of("r3")).replicas(3).build().close();
      });

      assertThat(log).contains("created stream 'AETHER_r1' with 1 replica on NATS cluster"
          + " 'aether' of 3 servers").contains("replicas(3)");
      assertThat(log).doesNotContain("'AETHER_r3' with 1 replica");
    }
  }

  @Test
  void creatingA1ReplicaStreamOnASingleServer_logsNoWarning() throws Exception {
    try (NatsServer nats = NatsServer.start(); Connection nc = nats.connect()) {
      String log = stderrOf(() ->
          JetStreamEventStore.builder(nc, Namespace.of("single")).build().close());

      assertThat(log).doesNotContain("with 1 replica");
    }
  }

  private static String stderrOf(Runnable action) {
    PrintStream original = System.err;
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream tee = new PrintStream(buffer, true, StandardCharsets.UTF_8);
    System.setErr(tee);
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return buffer.toString(StandardCharsets.UTF_8);
  }

}
