package one.flowmade.aether.jetstream;

import io.nats.client.Connection;
import io.nats.client.api.ServerInfo;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import one.flowmade.aether.UnsupportedServerException;

/**
 * A NATS server version ({@code major.minor.patch}, pre-release suffixes ignored) and the check the
 * stores run when they are built. Immutable.
 */
record ServerVersion(int major, int minor, int patch, String text) implements
    Comparable<ServerVersion> {

  /** The oldest server the JetStream stores work with: atomic batch publish (ADR-50). */
  static final ServerVersion REQUIRED = new ServerVersion(2, 12, 0, "2.12.0");

  private static final Pattern VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");

  static ServerVersion parse(String text) {
    Matcher m = VERSION.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a NATS server version");
    }
    return new ServerVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), text.trim());
  }

  boolean isAtLeast(ServerVersion other) {
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
   * Checks the server the connection is connected to.
   *
   * @param connection the connection
   * @param component what is being built, for the message
   * @param breaks what would break on an older server
   * @throws UnsupportedServerException if the server is too old or has no JetStream
   */
  static ServerVersion check(Connection connection, String component, String breaks) {
    ServerInfo info = connection.getServerInfo();
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
