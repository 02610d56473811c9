package one.flowmade.aether.testkit.nats;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the {@code nats-server} to run and checks its version. Order: an executable given to the
 * builder, {@code $nats_server_path}, {@code nats-server} on {@code PATH}, {@code
 * $aether_nats_server_default} if that file exists, then a Docker image if a Docker daemon
 * answers.
 *
 * <p>Thread-safe.
 */
final class ServerLocator {

  static final String PATH_VARIABLE = "nats_server_path";
  static final String DEFAULT_VARIABLE = "aether_nats_server_default";
  static final String DEFAULT_IMAGE = "nats:2.12-alpine";

  private static final Logger LOG = LoggerFactory.getLogger(ServerLocator.class);
  private static final Duration VERSION_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration DOCKER_PROBE_TIMEOUT = Duration.ofSeconds(15);
  private static final Map<VersionKey, NatsServerVersion> VERSIONS = new ConcurrentHashMap<>();
  private static volatile @Nullable Boolean dockerAvailable;

  private ServerLocator() {}

  /**
   * Finds the server to run.
   *
   * @param executable the binary given to the builder, or null to search
   * @param image the Docker image to fall back to
   * @param startTimeout how long a container may take to start
   * @return a launcher for the server
   * @throws UnsupportedNatsServerException if the binary found is too old
   * @throws NatsServerException if none is found; the message says how to get one
   */
  static Launcher locate(@Nullable Path executable, String image, Duration startTimeout) {
    return locate(
        executable, image, startTimeout, System::getenv, ServerLocator::probeDockerOnce);
  }

  static Launcher locate(
      @Nullable Path executable,
      String image,
      Duration startTimeout,
      UnaryOperator<String> environment,
      BooleanSupplier docker) {
    if (executable != null) {
      return local(executable, "given to the builder");
    }
    String configured = environment.apply(PATH_VARIABLE);
    if (configured != null && !configured.isBlank()) {
      return local(Path.of(configured), "from $" + PATH_VARIABLE);
    }
    Optional<Path> onPath = findOnPath(environment.apply("PATH"));
    if (onPath.isPresent()) {
      return local(onPath.get(), "found on PATH");
    }
    String fallback = environment.apply(DEFAULT_VARIABLE);
    if (fallback != null && !fallback.isBlank() && Files.isRegularFile(Path.of(fallback))) {
      return local(Path.of(fallback), "from $" + DEFAULT_VARIABLE);
    }
    if (docker.getAsBoolean()) {
      LOG.info("no nats-server binary found; running {} in Docker", image);
      return new ContainerLauncher(image, startTimeout);
    }
    throw new NatsServerException(notFoundMessage(configured, fallback, image));
  }

  private static LocalLauncher local(Path executable, String origin) {
    String source = executable + ", " + origin;
    if (!Files.isRegularFile(executable)) {
      throw new NatsServerException(
          "nats-server " + source + " does not exist. " + howToGetOne(DEFAULT_IMAGE));
    }
    if (!Files.isExecutable(executable)) {
      throw new NatsServerException("nats-server " + source + " is not executable");
    }
    NatsServerVersion version = version(executable);
    if (!version.isAtLeast(NatsServerVersion.REQUIRED)) {
      throw new UnsupportedNatsServerException(source, version, NatsServerVersion.REQUIRED);
    }
    return new LocalLauncher(executable, version);
  }

  /**
   * Runs {@code nats-server --version}, once per binary and modification time.
   *
   * @param executable the binary
   * @return the version it reports
   * @throws NatsServerException if it does not run or reports no version
   */
  static NatsServerVersion version(Path executable) {
    VersionKey key;
    try {
      Path real = executable.toRealPath();
      key = new VersionKey(real, Files.getLastModifiedTime(real));
    } catch (IOException e) {
      throw new NatsServerException("cannot read " + executable, e);
    }
    return VERSIONS.computeIfAbsent(key, k -> askVersion(k.path()));
  }

  private static NatsServerVersion askVersion(Path executable) {
    ProcessBuilder builder =
        new ProcessBuilder(executable.toString(), "--version").redirectErrorStream(true);
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      if (!process.waitFor(VERSION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new NatsServerException(
            executable + " --version did not finish within " + VERSION_TIMEOUT);
      }
      String output =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return NatsServerVersion.find(output)
          .orElseThrow(
              () ->
                  new NatsServerException(
                      executable + " --version printed no version: \"" + output + "\""));
    } catch (IOException e) {
      throw new NatsServerException("could not run " + executable + " --version", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new NatsServerException("interrupted while running " + executable + " --version", e);
    }
  }

  private static Optional<Path> findOnPath(String path) {
    if (path == null || path.isBlank()) {
      return Optional.empty();
    }
    String binary = File.separatorChar == '\\' ? "nats-server.exe" : "nats-server";
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, binary);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static boolean probeDockerOnce() {
    Boolean known = dockerAvailable;
    if (known == null) {
      known = probeDocker();
      dockerAvailable = known;
    }
    return known;
  }

  private static boolean probeDocker() {
    // The probe runs on its own daemon thread so a daemon that never answers cannot hang a test.
    FutureTask<Boolean> probe = new FutureTask<>(ContainerServerRuntime::dockerAvailable);
    Thread thread = new Thread(probe, "aether-nats-docker-probe");
    thread.setDaemon(true);
    thread.start();
    try {
      return probe.get(DOCKER_PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("Docker did not answer within {}; not using Testcontainers", DOCKER_PROBE_TIMEOUT);
      probe.cancel(true);
      return false;
    } catch (ExecutionException e) {
      // NoClassDefFoundError lands here when Testcontainers is not on the class path.
      LOG.debug("Docker is not usable", e.getCause());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String notFoundMessage(String configured, String fallback, String image) {
    List<String> tried = new ArrayList<>();
    tried.add("$" + PATH_VARIABLE + " (not set)");
    tried.add("nats-server on PATH (not found)");
    tried.add(
        "$"
            + DEFAULT_VARIABLE
            + (fallback == null || fallback.isBlank()
                ? " (not set)"
                : " (" + fallback + " does not exist)"));
    tried.add("a Docker daemon for " + image + " (none answered)");
    return "No nats-server found; Aether's tests need nats-server "
        + NatsServerVersion.REQUIRED.major()
        + "."
        + NatsServerVersion.REQUIRED.minor()
        + " or newer. Tried: "
        + String.join(", ", tried)
        + ". "
        + howToGetOne(image);
  }

  private static String howToGetOne(String image) {
    return "To get one, do any of:\n"
        + "  - run scripts/install-nats-server.sh in the Aether checkout; it unpacks Debian's"
        + " nats-server into .cache/nats-server, where the Maven build finds it;\n"
        + "  - set the environment variable "
        + PATH_VARIABLE
        + " to a nats-server binary;\n"
        + "  - install nats-server on PATH from the official release"
        + " (https://github.com/nats-io/nats-server/releases) or a package manager"
        + " (brew install nats-server; go install github.com/nats-io/nats-server/v2@latest);\n"
        + "  - start a Docker daemon; the tests then run the "
        + image
        + " image through Testcontainers.";
  }

  private record VersionKey(Path path, FileTime modified) {}
}
