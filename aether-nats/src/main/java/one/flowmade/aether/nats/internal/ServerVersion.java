package one.flowmade.aether.nats.internal;

import io.nats.client.Connection;
import io.nats.client.api.ServerInfo;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import one.flowmade.aether.UnsupportedServerException;

/**
 * A NATS server version ({@code major.minor.patch}, pre-release suffixes ignored) and the check
 * every JetStream-based Aether component (stores, cluster) runs when it is built. Immutable.
 *
 * @param major the major version
 * @param minor the minor version
 * @param patch the patch version
 * @param text the version as the server reported it
 */
public record ServerVersion(int major, int minor, int patch, String text) implements
    Comparable<ServerVersion> {

  /**
   * The oldest server Aether's JetStream components work with: atomic batch publish (ADR-50) for
   * the stores, per-key TTLs and limit markers for the cluster.
   */
  public static final ServerVersion REQUIRED = new ServerVersion(2, 12, 0, "2.12.0");

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");

  /**
   * Parses a version such as {@code 2.12.0}, {@code v2.12.0} or {@code 2.12.0-RC.3}.
   *
   * @param text the version text
   * @return the version
   * @throws IllegalArgumentException if the text is not a version
   */
  public static ServerVersion parse(String text) {
    Matcher m = VERSION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a NATS server version");
    }
    return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), text.trim());
  }

  /**
   * Whether this version is the same as or newer than {@code other}.
   *
   * @param other the version to compare with
   * @return whether this is at least {@code other}
   */
  public boolean isAtLeast(ServerVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(ServerVersion o) {
    if (major != o.major) {
      return Integer.compare(major, o.major);
    }
    if (minor != o.minor) {
      return Integer.compare(minor, o.minor);
    }
    return Integer.compare(patch, o.patch);
  }

  /**
   * Checks that the server the connection is connected to runs {@link #REQUIRED} or newer with
   * JetStream enabled. The message of the failure names the version found, the version required
   * and what would break.
   *
   * @param connection the connection, connected
   * @param component what is being built, for the message, e.g. {@code "Aether's JetStream event
   *     store"}
   * @param breaks what would break on an older server, a sentence completing "On 2.10.0 ..."
   * @return the server's version
   * @throws UnsupportedServerException if the server is too old or has no JetStream
   * @throws IllegalStateException if the connection has no server information (not connected)
   */
  public static ServerVersion check(Connection connection, String component, String breaks) {
    ServerInfo info = connection.getServerInfo();
    if (info == null) {
      throw new IllegalStateException("the NATS connection has no server information; is it"
          + " connected?");
    }
    String where = info.getServerName() == null || info.getServerName().isEmpty()
        ? "the NATS server" : "NATS server '" + info.getServerName() + "'";
    ServerVersion found;
    try {
      found = parse(info.getVersion());
    } catch (IllegalArgumentException e) {
      throw new UnsupportedServerException(where + " reports version '" + info.getVersion()
          + "', which " + component + " cannot read; it requires " + REQUIRED.text
          + " or newer");
    }
    if (!found.isAtLeast(REQUIRED)) {
      throw new UnsupportedServerException(where + " runs version " + found.text + "; "
          + component + " requires " + REQUIRED.text + " or newer. On " + found.text + " "
          + breaks);
    }
    if (!info.isJetStreamAvailable()) {
      throw new UnsupportedServerException(where + " (version " + found.text
          + ") does not have JetStream enabled; " + component + " requires JetStream"
          + " (start the server with -js or a jetstream block in its configuration)");
    }
    return found;
  }
}
