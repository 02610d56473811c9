package one.flowmade.aether.testkit.nats;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The configuration file of one server: name, client and monitoring listeners, JetStream with a
 * store directory, optionally a cluster block with routes, then the user's snippet.
 *
 * @param serverName the {@code server_name}
 * @param host the interface to listen on
 * @param clientPort the client port
 * @param monitorPort the HTTP monitoring port
 * @param storeDir the JetStream store directory, as the server sees it
 * @param cluster the cluster block, or null for a single server
 * @param extra configuration text appended at the top level, or empty
 * @param syncAlways whether JetStream flushes every write to disk before acknowledging it ({@code
 *     sync_interval: always}); false keeps the server's default (flush every two minutes)
 */
record ServerConfig(
    String serverName,
    String host,
    int clientPort,
    int monitorPort,
    String storeDir,
    @Nullable Cluster cluster,
    String extra,
    boolean syncAlways) {

  /** A configuration with the server's default JetStream flush. */
  ServerConfig(
      String serverName,
      String host,
      int clientPort,
      int monitorPort,
      String storeDir,
      @Nullable Cluster cluster,
      String extra) {
    this(serverName, host, clientPort, monitorPort, storeDir, cluster, extra, false);
  }

  /**
   * The cluster block of a node.
   *
   * @param name the cluster name
   * @param host the interface to listen on for routes
   * @param port the route port
   * @param routes the other nodes' route URLs ({@code nats-route://host:port})
   * @param noAdvertise whether to hide the nodes' client URLs from clients (needed when they are
   *     not reachable from clients, as inside Docker)
   */
  record Cluster(String name, String host, int port, List<String> routes, boolean noAdvertise) {}

  /**
   * Renders the configuration text.
   *
   * @return the text of the configuration file
   */
  String render() {
    StringBuilder out = new StringBuilder();
    out.append("# Written by aether-testkit.\n");
    out.append("server_name: ").append(quote(serverName)).append('\n');
    out.append("listen: ").append(quote(host + ":" + clientPort)).append('\n');
    out.append("http: ").append(quote(host + ":" + monitorPort)).append('\n');
    out.append("jetstream {\n");
    out.append("  store_dir: ").append(quote(storeDir)).append('\n');
    if (syncAlways) {
      out.append("  sync_interval: always\n");
    }
    out.append("}\n");
    if (cluster != null) {
      out.append("cluster {\n");
      out.append("  name: ").append(quote(cluster.name())).append('\n');
      out.append("  listen: ").append(quote(cluster.host() + ":" + cluster.port())).append('\n');
      if (cluster.noAdvertise()) {
        out.append("  no_advertise: true\n");
      }
      out.append("  routes: [\n");
      for (String route : cluster.routes()) {
        out.append("    ").append(quote(route)).append('\n');
      }
      out.append("  ]\n");
      out.append("}\n");
    }
    if (!extra.isBlank()) {
      out.append("\n# Added by the test.\n").append(extra.strip()).append('\n');
    }
    return out.toString();
  }

  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
