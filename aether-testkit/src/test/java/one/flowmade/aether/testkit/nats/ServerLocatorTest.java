package one.flowmade.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

@DisabledOnOs(OS.WINDOWS)
final class ServerLocatorTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  @TempDir Path temp;

  private final Map<String, String> environment = new HashMap<>();

  private Launcher locate(Path executable, boolean docker) {
    return ServerLocator.locate(
        executable, "nats:2.12-alpine", TIMEOUT, environment::get, () -> docker);
  }

  private Path fakeServer(String dir, String version) throws IOException {
    Path directory = Files.createDirectories(temp.resolve(dir));
    Path binary = directory.resolve("nats-server");
    Files.writeString(binary, "#!/bin/sh\necho 'nats-server: v" + version + "'\n");
    Files.setPosixFilePermissions(binary, PosixFilePermissions.fromString("rwxr-xr-x"));
    return binary;
  }

  @Test
  void locate_prefersTheBuildersExecutableOverTheEnvironment() throws IOException {
    Path given = fakeServer("given", "2.12.1");
    environment.put("nats_server_path", fakeServer("variable", "2.13.0").toString());

    Launcher launcher = locate(given, false);

    assertThat(launcher.source()).isEqualTo(given.toString());
    assertThat(launcher.version()).contains(NatsServerVersion.parse("2.12.1"));
  }

  @Test
  void locate_prefersNatsServerPathOverPath() throws IOException {
    Path variable = fakeServer("variable", "2.13.0");
    environment.put("nats_server_path", variable.toString());
    environment.put("PATH", fakeServer("path", "2.14.0").getParent().toString());

    assertThat(locate(null, false).source()).isEqualTo(variable.toString());
  }

  @Test
  void locate_prefersPathOverTheBuildDefault() throws IOException {
    Path onPath = fakeServer("path", "2.14.0");
    environment.put("PATH", temp.resolve("empty") + ":" + onPath.getParent());
    environment.put("aether_nats_server_default", fakeServer("default", "2.15.1").toString());

    assertThat(locate(null, false).source()).isEqualTo(onPath.toString());
  }

  @Test
  void locate_usesTheBuildDefaultWhenNothingElseIsThere() throws IOException {
    Path fallback = fakeServer("default", "2.15.1");
    environment.put("PATH", temp.resolve("empty").toString());
    environment.put("aether_nats_server_default", fallback.toString());

    assertThat(locate(null, true).source()).isEqualTo(fallback.toString());
  }

  @Test
  void locate_fallsBackToDockerWhenNoBinaryIsFound() {
    environment.put("aether_nats_server_default", temp.resolve("missing").toString());

    Launcher launcher = locate(null, true);

    assertThat(launcher).isInstanceOf(ContainerLauncher.class);
    assertThat(launcher.source()).contains("nats:2.12-alpine");
  }

  @Test
  void locate_withoutBinaryOrDocker_failsSayingHowToGetAServer() {
    environment.put("aether_nats_server_default", temp.resolve("missing").toString());

    assertThatThrownBy(() -> locate(null, false))
        .isInstanceOf(NatsServerException.class)
        .hasMessageContaining("No nats-server found")
        .hasMessageContaining("2.12 or newer")
        .hasMessageContaining(temp.resolve("missing") + " does not exist")
        .hasMessageContaining("scripts/install-nats-server.sh")
        .hasMessageContaining("nats_server_path")
        .hasMessageContaining("https://github.com/nats-io/nats-server/releases")
        .hasMessageContaining("Docker");
  }

  @Test
  void locate_failsLoudlyWhenNatsServerPathNamesNothing() {
    environment.put("nats_server_path", temp.resolve("nowhere").toString());

    assertThatThrownBy(() -> locate(null, true))
        .isInstanceOf(NatsServerException.class)
        .hasMessageContaining(temp.resolve("nowhere") + ", from $nats_server_path does not exist");
  }

  @Test
  void locate_refusesATooOldServerNamingFoundAndRequiredVersions() throws IOException {
    Path old = fakeServer("old", "2.9.10");
    environment.put("PATH", old.getParent().toString());

    assertThatThrownBy(() -> locate(null, true))
        .isInstanceOfSatisfying(
            UnsupportedNatsServerException.class,
            e -> {
              assertThat(e.found()).isEqualTo(NatsServerVersion.parse("2.9.10"));
              assertThat(e.required()).isEqualTo(NatsServerVersion.REQUIRED);
            })
        .hasMessageContaining("nats-server 2.9.10")
        .hasMessageContaining("requires nats-server 2.12 or newer")
        .hasMessageContaining(old.toString());
  }

  @Test
  void locate_refusesABinaryThatPrintsNoVersion() throws IOException {
    Path broken = fakeServer("broken", "x");
    Files.writeString(broken, "#!/bin/sh\necho 'hello'\n");

    assertThatThrownBy(() -> locate(broken, false))
        .isInstanceOf(NatsServerException.class)
        .hasMessageContaining("printed no version");
  }
}
