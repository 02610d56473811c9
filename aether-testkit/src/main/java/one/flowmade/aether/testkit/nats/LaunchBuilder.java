package one.flowmade.aether.testkit.nats;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@link NatsServer.Builder} and {@link NatsCluster.Builder} configure alike: the binary,
 * extra configuration, durability, start timeout and Docker fallback image. Each property may be
 * set once; a second call throws {@link IllegalStateException}. Not thread-safe.
 *
 * @param <B> the builder type, returned by every setter
 */
abstract class LaunchBuilder<B extends LaunchBuilder<B>> {

  /** What the setters recorded, read when the server or cluster starts. */
  final LaunchSettings settings;

  LaunchBuilder(Duration defaultStartTimeout) {
    this.settings = new LaunchSettings(defaultStartTimeout);
  }

  /** Returns this builder as its own type. */
  abstract B self();

  /**
   * Uses this binary instead of searching for one. Its version is still checked.
   *
   * @param executable a nats-server binary
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public B executable(Path executable) {
    settings.executable(executable);
    return self();
  }

  /**
   * Appends configuration text at the top level of every generated configuration file, for
   * example {@code accounts { ... }} or {@code authorization { ... }}. It must not set what the
   * test kit sets: {@code server_name}, {@code listen}, {@code http}, {@code jetstream}, {@code
   * cluster}.
   *
   * @param config nats-server configuration text
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public B config(String config) {
    settings.config(config);
    return self();
  }

  /**
   * Makes JetStream flush every write to disk ({@code fsync}) before it acknowledges it: {@code
   * jetstream { sync_interval: always }}. Without it a server keeps its default, which writes to
   * the operating system at once and flushes to disk every two minutes, so an acknowledged write
   * survives a crash of the server process but not of the machine. For benchmarks that compare
   * at a stated durability; it makes every write much slower.
   *
   * @return this builder
   * @throws IllegalStateException if already set
   */
  public B syncAlways() {
    settings.syncAlways();
    return self();
  }

  /**
   * Sets how long starting, restarting a node, and the waiting methods may take. Default 30 s
   * for a server, 60 s for a cluster.
   *
   * @param startTimeout a positive duration
   * @return this builder
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set
   */
  public B startTimeout(Duration startTimeout) {
    settings.startTimeout(startTimeout);
    return self();
  }

  /**
   * Sets the Docker image used when no local binary is found and Docker answers. Default
   * {@code nats:2.12-alpine}; its version is checked too.
   *
   * @param dockerImage an image name with tag
   * @return this builder
   * @throws IllegalArgumentException if blank
   * @throws IllegalStateException if already set
   */
  public B dockerImage(String dockerImage) {
    settings.dockerImage(dockerImage);
    return self();
  }
}
