package one.flowmade.aether.examples;

import static org.assertj.core.api.Assertions.assertThat;

import one.flowmade.aether.examples.quickstart.JetStreamQuickStart;
import one.flowmade.aether.testkit.nats.NatsServer;
import org.junit.jupiter.api.Test;

final class JetStreamQuickStartIT {

  @Test
  void jetStreamQuickStart_runsTheActorAndTheReadModelOnARealServer() {
    try (NatsServer nats = NatsServer.start()) {
      String output = ReadmeQuickStartTest.capture(() -> {
        try {
          JetStreamQuickStart.main(new String[] {nats.url()});
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });

      assertThat(output.lines()).containsExactly(
          "alice: 1500 cents at version 3",
          "read model at position 3: {alice=1500}");
    }
  }
}
