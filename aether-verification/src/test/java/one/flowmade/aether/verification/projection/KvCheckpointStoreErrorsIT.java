package one.flowmade.aether.verification.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.time.Instant;
import one.flowmade.aether.AetherException;
import one.flowmade.aether.AetherTransientException;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.PermissionDeniedException;
import one.flowmade.aether.projection.Checkpoint;
import one.flowmade.aether.projection.KvCheckpointStore;
import one.flowmade.aether.projection.ParkedEvent;
import one.flowmade.aether.testkit.nats.NatsServer;
import one.flowmade.aether.testkit.nats.NatsServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The KV checkpoint store tells a failure retrying can cure (no answer) from one it cannot (no
 * permission, a bucket that refuses the write), so that projections do not retry the latter
 * for ever.
 */
final class KvCheckpointStoreErrorsIT {
  private static final String READ_ONLY = String.join(", ",
      "\"$JS.API.INFO\"",
      "\"$JS.API.STREAM.INFO.KV_aether-projections-ro\"",
      "\"$JS.API.STREAM.MSG.GET.KV_aether-projections-ro\"",
      "\"$JS.API.DIRECT.GET.KV_aether-projections-ro\"",
      "\"$JS.API.DIRECT.GET.KV_aether-projections-ro.>\"");

  @RegisterExtension
  static final NatsServerExtension NATS = NatsServerExtension.singleNode(NatsServer.builder()
      .config("authorization {\n  users = [\n"
          + "    { user: admin, password: admin }\n"
          + "    { user: reader, password: reader, permissions: {\n"
          + "        publish: { allow: [" + READ_ONLY + "] }\n"
          + "        subscribe: { allow: [\"_INBOX.>\"] } } }\n"
          + "  ]\n}\n"
          + "no_auth_user: admin\n"));

  @Test
  void aUserWhoMayNotWriteTheBucket_getsPermissionDenied_notATransientFailure() throws Exception {
    try (Connection admin = NATS.server().connect();
        Connection reader = Nats.connect(NATS.server().connectionOptions()
            .userInfo("reader", "reader").build())) {
      KvCheckpointStore.open(admin, Namespace.of("ro")).claim("balances");
      KvCheckpointStore store = KvCheckpointStore.open(reader, Namespace.of("ro"));
      assertThat(store.load("balances")).map(Checkpoint::epoch).contains(1L);

      assertThatThrownBy(() -> store.claim("balances"))
          .isInstanceOf(PermissionDeniedException.class)
          .hasMessageContaining("$KV.aether-projections-ro.")
          .hasMessageContaining("balances");
    }
  }

  @Test
  void aBucketThatRefusesTheWrite_failsNonTransient_withTheServersErrorCode() throws Exception {
    try (Connection admin = NATS.server().connect()) {
      // misconfigured by hand: messages of at most 60 bytes, headers included; a claim (52 bytes
      // of compare-and-set header, "0 1") fits, a commit of a 16-digit position does not
      admin.keyValueManagement().create(KeyValueConfiguration.builder()
          .name("aether-projections-small").maximumValueSize(60).maxHistoryPerKey(1)
          .storageType(StorageType.File).build());
      KvCheckpointStore store = KvCheckpointStore.open(admin, Namespace.of("small"));
      Checkpoint c = store.claim("balances");

      assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
        assertThatThrownBy(() -> store.begin("balances", c.epoch()).commit(1_000_000_000_000_000L))
            .isInstanceOf(AetherException.class)
            .isNotInstanceOf(AetherTransientException.class)
            .hasMessageContaining("10054")
            .hasMessageContaining("aether-projections-small");
        assertThatThrownBy(() -> store.park("balances", c.epoch(), new ParkedEvent(7, "id-7",
            "Deposited", "acc-1", "a long enough cause", Instant.parse("2026-01-01T00:00:00Z"))))
            .isInstanceOf(AetherException.class)
            .isNotInstanceOf(AetherTransientException.class)
            .hasMessageContaining("10054");
      }, "the store retried a refused write for ever");
      assertThat(store.load("balances")).contains(c);
    }
  }

  @Test
  void aServerThatDoesNotAnswer_isTransient() throws Exception {
    try (NatsServer own = NatsServer.start(); Connection nc = own.connect()) {
      KvCheckpointStore store = KvCheckpointStore.open(nc, Namespace.of("away"));
      store.claim("balances");
      own.stop();
      assertThatThrownBy(() -> store.load("balances"))
          .isInstanceOf(AetherTransientException.class);
    }
  }
}
