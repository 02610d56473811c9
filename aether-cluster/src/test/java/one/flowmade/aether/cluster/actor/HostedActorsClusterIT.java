package one.flowmade.aether.cluster.actor;

import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Hosted actors on a 3-node NATS cluster with R3 streams and an R3 cluster bucket. */
final class HostedActorsClusterIT extends HostedActorsTests {

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.cluster(3);

  @Override
  NatsServerExtension nats() {
    return NATS;
  }

  @Override
  int replicas() {
    return 3;
  }
}
