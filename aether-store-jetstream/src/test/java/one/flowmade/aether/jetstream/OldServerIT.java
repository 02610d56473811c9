package one.flowmade.aether.jetstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import one.flowmade.aether.Namespace;
import one.flowmade.aether.UnsupportedServerException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against a real nats-server 2.10 (Debian trixie's, unpacked by {@code
 * scripts/install-nats-server.sh} next to sid's), the stores refuse to start with a message that
 * names the versions and what would break. Skipped when that binary is not there.
 */
final class OldServerIT {

  private static Process server;
  private static Path directory;
  private static Connection connection;

  @BeforeAll
  static void startOldServer() throws Exception {
    Optional<Path> binary = oldServerBinary();
    Assumptions.assumeTrue(binary.isPresent(),
        "nats-server 2.10 not found (run scripts/install-nats-server.sh)");
    directory = Files.createTempDirectory("aether-old-nats-");
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    server = new ProcessBuilder(binary.get().toString(), "-js", "-a", "127.0.0.1",
        "-p", Integer.toString(port), "-sd", directory.resolve("js").toString())
        .redirectErrorStream(true)
        .redirectOutput(directory.resolve("server.log").toFile())
        .start();
    String url = "nats://127.0.0.1:" + port;
    Options options = new Options.Builder().server(url).connectionTimeout(Duration.ofSeconds(1))
        .build();
    connection = await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> Nats.connect(options), c -> c != null);
  }

  @AfterAll
  static void stopOldServer() throws Exception {
    if (connection != null) {
      connection.close();
    }
    if (server != null) {
      server.destroyForcibly();
      server.waitFor(10, TimeUnit.SECONDS);
    }
    if (directory != null) {
      try (Stream<Path> files = Files.walk(directory)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static Optional<Path> oldServerBinary() {
    String tail = ".cache/nats-server/trixie/root/usr/sbin/nats-server";
    String sid = System.getenv("aether_nats_server_default");
    List<Path> candidates = Stream.of(
            System.getenv("aether_nats_server_old") == null ? null
                : Path.of(System.getenv("aether_nats_server_old")),
            sid == null ? null : Path.of(sid.replace("/sid/", "/trixie/")),
            Path.of(System.getProperty("user.dir")).resolve("..").resolve(tail).normalize())
        .filter(p -> p != null)
        .toList();
    return candidates.stream().filter(Files::isExecutable).findFirst();
  }

  @Test
  void eventStore_onNats210_isRefusedNamingTheVersionsAndWhatWouldBreak() throws Exception {
    assertThat(connection.getServerInfo().getVersion()).startsWith("2.10.");

    assertThatThrownBy(() -> JetStreamEventStore.builder(connection, Namespace.of("old")).build())
        .isInstanceOf(UnsupportedServerException.class)
        .hasMessageContaining(connection.getServerInfo().getVersion())
        .hasMessageContaining("requires 2.12.0 or newer")
        .hasMessageContaining("atomic batch publish")
        .hasMessageContaining("multi-event appends");
    assertThat(connection.jetStreamManagement().getStreamNames()).isEmpty();
  }

  @Test
  void snapshotStore_onNats210_isRefusedNamingTheVersions() {
    assertThatThrownBy(() -> JetStreamSnapshotStore.builder(connection, Namespace.of("old"))
        .build())
        .isInstanceOf(UnsupportedServerException.class)
        .hasMessageContaining("2.10.")
        .hasMessageContaining("requires 2.12.0 or newer");
  }
}
