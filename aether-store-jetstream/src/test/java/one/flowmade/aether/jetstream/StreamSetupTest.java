package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.nats.internal.AetherStreams;
import one.flowmade.aether.nats.internal.StreamAdoption;
import org.junit.jupiter.api.Test;

final class StreamSetupTest {

  private static StreamSetup.Spec spec(Integer replicas, Duration maxAge) {
    return new StreamSetup.Spec(AetherStreams.events(Namespace.of("orders")), "the store",
        replicas, null, maxAge, null, null, null);
  }

  @Test
  void differences_theStreamTheSpecCreates_hasNone() {
    StreamSetup.Spec spec = spec(3, Duration.ofDays(30));

    assertThat(StreamSetup.differences(spec, spec.toConfiguration())).isEmpty();
  }

  @Test
  void differences_unsetSettingsAdoptTheExistingValues() {
    StreamConfiguration existing = StreamConfiguration.builder(spec(1, null).toConfiguration())
        .replicas(3).storageType(StorageType.Memory).maxAge(Duration.ofDays(1))
        .duplicateWindow(Duration.ofMinutes(10)).build();

    assertThat(StreamSetup.differences(spec(null, null), existing)).isEmpty();
  }

  @Test
  void theEventStreamTheStoreCreates_isTheOneAetherRequires_andSafeToAdopt() {
    StreamConfiguration created = spec(null, null).toConfiguration();

    assertThat(created.toJson()).isEqualTo(AetherStreams.events(Namespace.of("orders")).toJson());
    assertThat(StreamAdoption.violations(created, AetherStreams.events(Namespace.of("orders"))))
        .isEmpty();
  }

  @Test
  void differences_nameEverySettingThatConflicts() {
    StreamConfiguration existing = StreamConfiguration.builder(spec(1, null).toConfiguration())
        .subjects("aether.ev.orders.>", "other.>")
        .retentionPolicy(RetentionPolicy.WorkQueue)
        .maxMessagesPerSubject(10)
        .replicas(1)
        .maxAge(Duration.ofDays(1))
        .build();

    assertThat(StreamSetup.differences(spec(3, Duration.ofDays(30)), existing))
        .hasSize(4)
        .anySatisfy(d -> assertThat(d).startsWith("retention is WorkQueue"))
        .anySatisfy(d -> assertThat(d).startsWith("max messages per subject is 10"))
        .anySatisfy(d -> assertThat(d).isEqualTo("replicas are 1, configured 3"))
        .anySatisfy(d -> assertThat(d).startsWith("max age is"));
  }
}
