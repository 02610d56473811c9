package one.flowmade.aether.testkit.nats;

import java.io.Serializable;
import java.util.Comparator;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code nats-server} release version, {@code major.minor.patch}. Pre-release and build
 * suffixes ({@code -RC.1}, {@code +binary}) are not kept.
 *
 * <p>Instances are immutable and ordered by major, then minor, then patch.
 *
 * @param major the major version, not negative
 * @param minor the minor version, not negative
 * @param patch the patch version, not negative
 */
public record NatsServerVersion(int major, int minor, int patch)
    implements Comparable<NatsServerVersion>, Serializable {

  private static final long serialVersionUID = 1L;

  /** The oldest server Aether supports: 2.12.0. */
  public static final NatsServerVersion REQUIRED = new NatsServerVersion(2, 12, 0);

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+)");
  private static final Comparator<NatsServerVersion> ORDER =
      Comparator.comparingInt(NatsServerVersion::major)
          .thenComparingInt(NatsServerVersion::minor)
          .thenComparingInt(NatsServerVersion::patch);

  /**
   * Checks the parts.
   *
   * @param major the major version, not negative
   * @param minor the minor version, not negative
   * @param patch the patch version, not negative
   * @throws IllegalArgumentException if a part is negative
   */
  public NatsServerVersion {
    if (major < 0 || minor < 0 || patch < 0) {
      throw new IllegalArgumentException(
          "version parts must not be negative: " + major + "." + minor + "." + patch);
    }
  }

  /**
   * Finds the first {@code major.minor.patch} in a text such as the output of {@code nats-server
   * --version} ({@code nats-server: v2.15.1}) or a server log line ({@code Version:  2.12.1}).
   *
   * @param text the text to search
   * @return the version, or empty if the text holds none
   */
  public static Optional<NatsServerVersion> find(CharSequence text) {
    Matcher m = VERSION.matcher(text);
    if (!m.find()) {
      return Optional.empty();
    }
    return Optional.of(
        new NatsServerVersion(
            Integer.parseInt(m.group(1)),
            Integer.parseInt(m.group(2)),
            Integer.parseInt(m.group(3))));
  }

  /**
   * Parses {@code major.minor.patch}, with or without a leading {@code v}.
   *
   * @param version the version text
   * @return the version
   * @throws IllegalArgumentException if the text holds no version
   */
  public static NatsServerVersion parse(String version) {
    return find(version)
        .orElseThrow(() -> new IllegalArgumentException("not a nats-server version: " + version));
  }

  /**
   * Returns whether this version is the same as or newer than another.
   *
   * @param other the version to compare with
   * @return true if {@code this >= other}
   */
  public boolean isAtLeast(NatsServerVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(NatsServerVersion other) {
    return ORDER.compare(this, other);
  }

  /** Returns {@code major.minor.patch}, for example {@code 2.15.1}. */
  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
