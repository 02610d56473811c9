package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import java.lang.reflect.Proxy;
import java.time.Duration;
import one.flowmade.aether.Namespace;
import org.junit.jupiter.api.Test;

/** Builder input checks; they need no server, so the connection is a placeholder. */
final class BuilderTest {

  private static final Connection UNUSED = (Connection) Proxy.newProxyInstance(
      BuilderTest.class.getClassLoader(), new Class<?>[] {Connection.class},
      (proxy, method, args) -> {
        throw new UnsupportedOperationException("not used by builder checks");
      });
  private static final Namespace NS = Namespace.of("orders");

  @Test
  void eventStoreBuilder_rejectsInvalidValuesAtOnce() {
    JetStreamEventStore.Builder b = JetStreamEventStore.builder(UNUSED, NS);

    assertThatThrownBy(() -> b.replicas(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> b.replicas(6)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxAge(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxBytes(DataSize.ofBytes(0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxMessages(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.duplicateWindow(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.storage(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JetStreamEventStore.builder(null, NS))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> JetStreamEventStore.builder(UNUSED, null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void eventStoreBuilder_rejectsSettingAValueTwice() {
    JetStreamEventStore.Builder b = JetStreamEventStore.builder(UNUSED, NS)
        .replicas(3).storage(StorageType.File).maxAge(Duration.ofDays(1))
        .maxBytes(DataSize.ofGibibytes(1)).maxMessages(10).duplicateWindow(Duration.ofMinutes(1))
        .requestTimeout(Duration.ofSeconds(1)).retryBudget(RetryBudget.defaults());

    assertThatThrownBy(() -> b.replicas(1)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> b.storage(StorageType.Memory))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.maxAge(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.maxBytes(DataSize.ofBytes(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.maxMessages(1)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.duplicateWindow(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.requestTimeout(Duration.ofSeconds(2)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> b.retryBudget(RetryBudget.none()))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void snapshotStoreBuilder_checksItsInputs() {
    JetStreamSnapshotStore.Builder b = JetStreamSnapshotStore.builder(UNUSED, NS).replicas(3);

    assertThatThrownBy(() -> b.replicas(3)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> JetStreamSnapshotStore.builder(UNUSED, NS).replicas(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.requestTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
