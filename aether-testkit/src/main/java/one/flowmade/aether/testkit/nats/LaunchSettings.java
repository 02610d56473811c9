package one.flowmade.aether.testkit.nats;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The settings that {@link NatsServer.Builder} and {@link NatsCluster.Builder} share: which binary
 * or Docker image to run, extra configuration text and the start timeout. Each may be set once; a
 * second call throws {@link IllegalStateException}. The builders document the settings; this class
 * checks them and finds the {@link Launcher} they select.
 *
 * <p>Not thread-safe, like the builders that own it.
 */
final class LaunchSettings {

  private static final String NAME_PATTERN = "[A-Za-z0-9_-]+";

  private @Nullable Path executable;
  private String config = "";
  private boolean configSet;
  private Duration startTimeout;
  private boolean startTimeoutSet;
  private String dockerImage = ServerLocator.DEFAULT_IMAGE;
  private boolean dockerImageSet;
  private boolean syncAlways;

  /**
   * Creates settings with no binary chosen, no extra configuration and the default Docker image.
   *
   * @param defaultStartTimeout the start timeout until {@link #startTimeout(Duration)} sets one
   */
  LaunchSettings(Duration defaultStartTimeout) {
    this.startTimeout = defaultStartTimeout;
  }

  /**
   * Checks a server or cluster name.
   *
   * @param name the name
   * @param property the builder property, for the null check's message ({@code "name"})
   * @param description what the name names, for the message ({@code "server name"})
   * @throws NullPointerException if the name is null
   * @throws IllegalArgumentException if the name is empty or has characters other than letters,
   *     digits, {@code -} and {@code _}
   */
  static void checkName(String name, String property, String description) {
    Objects.requireNonNull(name, property);
    if (!name.matches(NAME_PATTERN)) {
      throw new IllegalArgumentException(
          description + " must be letters, digits, '-' or '_', was \"" + name + "\"");
    }
  }

  /**
   * Uses this binary instead of searching for one.
   *
   * @param executable a nats-server binary
   * @throws IllegalStateException if already set
   */
  void executable(Path executable) {
    Objects.requireNonNull(executable, "executable");
    if (this.executable != null) {
      throw new IllegalStateException("executable was already set to " + this.executable);
    }
    this.executable = executable;
  }

  /**
   * Sets the configuration text appended to every generated configuration file.
   *
   * @param config nats-server configuration text
   * @throws IllegalStateException if already set
   */
  void config(String config) {
    Objects.requireNonNull(config, "config");
    if (configSet) {
      throw new IllegalStateException("config was already set");
    }
    this.config = config;
    configSet = true;
  }

  /**
   * Sets how long starting and restarting may take.
   *
   * @param startTimeout a positive duration
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  void startTimeout(Duration startTimeout) {
    Objects.requireNonNull(startTimeout, "startTimeout");
    if (startTimeout.isNegative() || startTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
    }
    if (startTimeoutSet) {
      throw new IllegalStateException("startTimeout was already set to " + this.startTimeout);
    }
    this.startTimeout = startTimeout;
    startTimeoutSet = true;
  }

  /**
   * Sets the Docker image used when no local binary is found.
   *
   * @param dockerImage an image name with tag
   * @throws IllegalArgumentException if blank
   * @throws IllegalStateException if already set
   */
  void dockerImage(String dockerImage) {
    Objects.requireNonNull(dockerImage, "dockerImage");
    if (dockerImage.isBlank()) {
      throw new IllegalArgumentException("dockerImage must not be blank");
    }
    if (dockerImageSet) {
      throw new IllegalStateException("dockerImage was already set to " + this.dockerImage);
    }
    this.dockerImage = dockerImage;
    dockerImageSet = true;
  }

  /**
   * Makes JetStream flush every write to disk before acknowledging it.
   *
   * @throws IllegalStateException if already set
   */
  void syncAlways() {
    if (syncAlways) {
      throw new IllegalStateException("syncAlways was already set");
    }
    syncAlways = true;
  }

  /**
   * Returns whether JetStream flushes every write before acknowledging it.
   *
   * @return true if {@link #syncAlways()} was called
   */
  boolean isSyncAlways() {
    return syncAlways;
  }

  /**
   * Returns the configuration text to append.
   *
   * @return the text, empty unless set
   */
  String config() {
    return config;
  }

  /**
   * Returns how long starting and restarting may take.
   *
   * @return the set or default start timeout
   */
  Duration startTimeout() {
    return startTimeout;
  }

  /**
   * Finds the binary or image to run and checks its version; see {@link ServerLocator}.
   *
   * @return a launcher; the caller closes it
   * @throws UnsupportedNatsServerException if the server found is too old
   * @throws NatsServerException if no server is found
   */
  Launcher locate() {
    return ServerLocator.locate(executable, dockerImage, startTimeout);
  }
}
