package one.flowmade.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

// Connection.close() declares InterruptedException, which -Xlint:try reports for every
// try-with-resources on a connection; the tests let it propagate.
@SuppressWarnings("try")
final class NatsServerIT {

  @RegisterExtension static final NatsServerExtension nats = NatsServerExtension.singleNode();

  private static final Path TRIXIE_NATS_SERVER =
      Path.of("..", ".cache", "nats-server", "trixie", "root", "usr", "sbin", "nats-server");

  private static void createStream(Connection nc, String name) throws Exception {
    nc.jetStreamManagement()
        .addStream(
            StreamConfiguration.builder()
                .name(name)
                .subjects(name.toLowerCase() + ".>")
                .storageType(StorageType.File)
                .build());
  }

  @Test
  void extension_runsAJetStreamServerForTheClass() throws Exception {
    NatsServer server = nats.server();
    assertThat(server.isRunning()).isTrue();
    assertThat(server.version().isAtLeast(NatsServerVersion.REQUIRED)).isTrue();
    assertThat(nats.url()).isEqualTo(server.url()).startsWith("nats://127.0.0.1:");

    try (Connection nc = nats.connect()) {
      createStream(nc, "GREETINGS");
      PublishAck ack =
          nc.jetStream().publish("greetings.hello", "hi".getBytes(StandardCharsets.UTF_8));
      MessageInfo stored = nc.jetStreamManagement().getMessage("GREETINGS", ack.getSeqno());

      assertThat(ack.getStream()).isEqualTo("GREETINGS");
      assertThat(stored.getSubject()).isEqualTo("greetings.hello");
      assertThat(new String(stored.getData(), StandardCharsets.UTF_8)).isEqualTo("hi");
    }
  }

  @Test
  void close_stopsTheProcessAndDeletesItsDirectory() {
    NatsServer server = NatsServer.start();
    long pid = server.pid().orElseThrow();
    Path directory = server.directory();
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
    assertThat(directory.resolve("n1").resolve("nats-server.log")).exists();

    server.close();
    server.close();

    assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(directory).doesNotExist();
    assertThat(server.isRunning()).isFalse();
    assertThatThrownBy(server::restart).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void restartAfterKill_keepsThePortAndTheStoredMessages() throws Exception {
    try (NatsServer server = NatsServer.builder().name("restarted").start()) {
      int port = server.port();
      long firstPid = server.pid().orElseThrow();
      try (Connection nc = server.connect()) {
        createStream(nc, "KEPT");
        nc.jetStream().publish("kept.1", new byte[] {1});
      }

      server.kill();
      assertThat(server.isRunning()).isFalse();
      assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();

      server.restart();

      assertThat(server.isRunning()).isTrue();
      assertThat(server.port()).isEqualTo(port);
      assertThat(server.pid().orElseThrow()).isNotEqualTo(firstPid);
      try (Connection nc = server.connect()) {
        JetStreamManagement jsm = nc.jetStreamManagement();
        assertThat(jsm.getStreamInfo("KEPT").getStreamState().getMsgCount()).isEqualTo(1);
      }
      assertThat(server.log()).contains("Server is ready");
    }
  }

  @Test
  void pause_makesTheServerSilentUntilResumed() throws Exception {
    NatsServer server = nats.server();
    try (Connection nc = server.connect()) {
      nc.flush(Duration.ofSeconds(2));

      server.pause();
      try {
        assertThat(server.isPaused()).isTrue();
        assertThat(server.isRunning()).isTrue();
        assertThatThrownBy(() -> nc.flush(Duration.ofMillis(300)))
            .isInstanceOf(java.util.concurrent.TimeoutException.class);
      } finally {
        server.resume();
      }

      assertThat(server.isPaused()).isFalse();
      nc.flush(Duration.ofSeconds(5));
    }
  }

  @Test
  void aTooOldServer_isRefusedNamingFoundAndRequiredVersions() {
    assumeTrue(
        Files.isExecutable(TRIXIE_NATS_SERVER),
        "run scripts/install-nats-server.sh trixie to test the refusal of nats-server 2.10");

    assertThatThrownBy(() -> NatsServer.builder().executable(TRIXIE_NATS_SERVER).start())
        .isInstanceOfSatisfying(
            UnsupportedNatsServerException.class,
            e -> {
              assertThat(e.found()).isEqualTo(NatsServerVersion.parse("2.10.27"));
              assertThat(e.required()).isEqualTo(NatsServerVersion.REQUIRED);
            })
        .hasMessageContaining("nats-server 2.10.27")
        .hasMessageContaining("requires nats-server 2.12 or newer");
  }

  @Test
  void aTakenPort_failsTheStartWithTheServersLog(@TempDir Path temp) throws Exception {
    Launcher launcher =
        ServerLocator.locate(null, ServerLocator.DEFAULT_IMAGE, Duration.ofSeconds(10));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      NodeSpec spec =
          new NodeSpec(
              "blocked", temp.resolve("blocked"), taken.getLocalPort(), FreePorts.allocate(1)[0], 0);
      ServerNode node =
          new ServerNode(
              spec, launcher, launcher.create(spec, List.of(), null, ""), Duration.ofSeconds(10));
      try {
        assertThatThrownBy(() -> node.awaitReady(node.launch()))
            .isInstanceOf(PortInUseException.class)
            .hasMessageContaining("nats-server blocked exited with code 1 before it was ready")
            .hasMessageContaining("last lines of blocked's log")
            .hasMessageContaining("address already in use");
        assertThat(node.isRunning()).isFalse();
      } finally {
        node.close();
      }
    }
  }

  @Test
  void syncAlways_startsAServerThatFlushesEveryWrite() throws Exception {
    try (NatsServer durable = NatsServer.builder().name("durable").syncAlways().start();
        NatsServer standard = NatsServer.builder().name("standard").start()) {
      assertThat(varz(durable)).containsPattern("\"sync_always\"\\s*:\\s*true");
      assertThat(varz(standard)).doesNotContain("sync_always");
      try (Connection nc = durable.connect()) {
        createStream(nc, "DURABLE");
        assertThat(nc.jetStream().publish("durable.a", new byte[] {1}).getSeqno()).isEqualTo(1);
      }
    }
  }

  private static String varz(NatsServer server) throws Exception {
    try (var in = java.net.URI.create(server.monitorUrl() + "/varz").toURL().openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void builder_rejectsSettingAPropertyTwice() {
    NatsServer.Builder builder = NatsServer.builder().startTimeout(Duration.ofSeconds(5));

    assertThatThrownBy(() -> builder.startTimeout(Duration.ofSeconds(6)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set");
    assertThatThrownBy(() -> builder.name("has space"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void config_isAppendedToTheServersConfiguration() throws Exception {
    try (NatsServer server =
            NatsServer.builder().config("max_payload: 65536\n").name("custom").start();
        Connection nc = server.connect()) {
      assertThat(nc.getServerInfo().getMaxPayload()).isEqualTo(65536);
      assertThat(server.connectionOptions().build().getConnectionName())
          .isEqualTo("aether-testkit-custom");
    }
  }
}
